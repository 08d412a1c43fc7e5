-- Schema version 5: which engine a conversation runs on (issue 23). NULL: the model loaded on this
-- computer; 'remote': the OpenAI-compatible server set in Settings → Remote engine.
ALTER TABLE conversations ADD COLUMN engine TEXT;
