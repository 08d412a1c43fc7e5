<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en">
<context>
    <name>AppController</name>
    <message>
        <source>New chat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not save: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No model is loaded yet.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n earlier message(s) left out to fit the context window.</source>
        <translation>
            <numerusform>%n earlier message left out to fit the context window.</numerusform>
            <numerusform>%n earlier messages left out to fit the context window.</numerusform>
        </translation>
    </message>
    <message>
        <source>The reply reached its length limit; Continue can extend it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading model… %1%</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not load the model: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing was sent; Regenerate answers the last message.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Summarising %n earlier message(s)…</source>
        <translation>
            <numerusform>Summarising %n earlier message…</numerusform>
            <numerusform>Summarising %n earlier messages…</numerusform>
        </translation>
    </message>
    <message>
        <source>The summary was not made; nothing was sent.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This conversation no longer fits in the context window.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unknown export format “%1” (use markdown or json).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No file was chosen for the export.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Exported to %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not export the conversation: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the file is larger than %1 MiB</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not import %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Imported “%1”</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ChatArea</name>
    <message>
        <source>New chat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Thinking</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Let the model reason before it answers (models that support it)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Scroll to the newest message</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reading the prompt… %1%</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>This conversation no longer fits in the model&apos;s context window: %n earlier message(s) must be left out of the next reply, or summarised.</source>
        <translation>
            <numerusform>This conversation no longer fits in the model&apos;s context window: %n earlier message must be left out of the next reply, or summarised.</numerusform>
            <numerusform>This conversation no longer fits in the model&apos;s context window: %n earlier messages must be left out of the next reply, or summarised.</numerusform>
        </translation>
    </message>
    <message>
        <source>Summarise them</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The model writes a short summary, kept in the chat and sent instead</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Leave them out</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Composer</name>
    <message>
        <source>Message Folio (Enter to send, Shift+Enter for a new line)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Load a model to start chatting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop the reply (Esc)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send (Enter)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 / %2 tokens</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ConversationDelegate</name>
    <message>
        <source>Pinned</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New chat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Conversation actions</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unpin</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pin</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rename</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export as Markdown…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export as JSON…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>DocumentViewer</name>
    <message>
        <source>Page %1 of %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Page %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This page cannot be shown.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The cited passage is highlighted.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The cited passage was not found on this page.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>DocumentsPanel</name>
    <message>
        <source>Documents</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Read scanned pages (OCR)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n page(s)</source>
        <translation>
            <numerusform>%n page</numerusform>
            <numerusform>%n pages</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n section(s)</source>
        <translation>
            <numerusform>%n section</numerusform>
            <numerusform>%n sections</numerusform>
        </translation>
    </message>
    <message>
        <source>Remove this document</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Drop PDF, .txt or .md files here</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add documents</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Documents (*.pdf *.txt *.md)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Password required</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The password is wrong for %1. Try again:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is encrypted. Enter its password:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Summarise whole document, part by part (for documents too long to read at once; questions in the chat use the most relevant pages)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Summary of %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>folio::DocumentsController</name>
    <message>
        <source>Reading %1: page %2 of %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reading %1…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Opening %1…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 was already added.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Added %1 (%2 pages).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This kind of file cannot be added. Drop PDF, .txt or .md files.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Summarising %1: part %2 of %3…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Summaries need a loaded model.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Summarising %1…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Main</name>
    <message>
        <source>Drop PDF, .txt or .md files to attach them to this chat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Documents</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Models</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” is attached to this chat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 — Folio</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reply copied</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your conversation history could not be opened normally: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Deleted “%1”</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copied</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MessageDelegate</name>
    <message>
        <source>Show all (%1 characters)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Thinking…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Thought for %1 s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save and send</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Previous version</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1/%2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Next version</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Edit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Regenerate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Continue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(stopped)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Summary of earlier messages (sent in their place)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy code</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>QObject</name>
    <message>
        <source>The chat database could not be opened (%1). Chats in this session will not be saved.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> · read pages %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> · read pages %1 (retrieved)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CPU</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>GPU (CUDA)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Balanced (recommended)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Thinking (for reasoning models)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Precise (deterministic)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Creative</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Same as the system</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Light</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dark</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a model file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>GGUF models (*.gguf)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Model file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Path to a .gguf file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Load</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Threads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Automatic</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Context size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Model default</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Device</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sampling</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>System prompt</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Instructions given to the model at the start of every new chat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Theme</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Language</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Font size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Threads, context size and device apply the next time a model is loaded.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>16-bit (exact)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>8-bit (half the memory, faster in long chats)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>KV cache</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>How the processor keeps the conversation&apos;s memory; applies the next time a model loads. The GPU always uses 16 bits.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ShortcutsDialog</name>
    <message>
        <source>Keyboard shortcuts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New chat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search conversations</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Focus the message box</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send the message</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New line in the message</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop the reply</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy the last reply</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This list</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Sidebar</name>
    <message>
        <source>New chat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start a new conversation (Ctrl+N)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search conversations</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No conversation matches</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No conversations yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export conversation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Folio conversation (*.json)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Markdown (*.md)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Import conversation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Import…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Import a conversation exported as JSON</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Snackbar</name>
    <message>
        <source>Undo</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>StatusBar</name>
    <message>
        <source>No model loaded</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>8-bit KV cache</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The chat&apos;s memory is stored in 8 bits: %1 KiB per token of context</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>WelcomePane</name>
    <message>
        <source>What can I help you with?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Welcome to Folio</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Everything stays on this computer: the model runs locally and your conversations are stored only here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No model is loaded yet. Folio runs language models in the GGUF format on this computer.&lt;br&gt;&lt;br&gt;1. Download a GGUF model, for example &lt;b&gt;Qwen2.5-Coder-0.5B-Instruct (Q4_K_M)&lt;/b&gt;.&lt;br&gt;2. Open &lt;b&gt;Settings&lt;/b&gt; and choose the file, or put it at&lt;br&gt;&lt;tt&gt;%1&lt;/tt&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a model…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>DocumentBar</name>
    <message numerus="yes">
        <source>%1 · %n page(s)</source>
        <translation>
            <numerusform>%1 · %n page</numerusform>
            <numerusform>%1 · %n pages</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n page(s) read by OCR</source>
        <translation>
            <numerusform>%n page read by OCR</numerusform>
            <numerusform>%n pages read by OCR</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Ready — the next reply reads the whole of %n document(s) (about %1 tokens); follow-up questions reuse it.</source>
        <translation>
            <numerusform>Ready — the next reply reads the whole document (about %1 tokens); follow-up questions reuse it.</numerusform>
            <numerusform>Ready — the next reply reads the whole of %n documents (about %1 tokens); follow-up questions reuse it.</numerusform>
        </translation>
    </message>
</context>
</TS>
