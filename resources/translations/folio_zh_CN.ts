<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AppController</name>
    <message>
        <source>New chat</source>
        <translation>新对话</translation>
    </message>
    <message>
        <source>Could not save: %1</source>
        <translation>无法保存：%1</translation>
    </message>
    <message>
        <source>No model is loaded yet.</source>
        <translation>尚未加载模型。</translation>
    </message>
    <message numerus="yes">
        <source>%n earlier message(s) left out to fit the context window.</source>
        <translation>
            <numerusform>为适应上下文窗口，省略了较早的 %n 条消息。</numerusform>
        </translation>
    </message>
    <message>
        <source>The reply reached its length limit; Continue can extend it.</source>
        <translation>回复已达到长度上限；可点击“继续”接着生成。</translation>
    </message>
    <message>
        <source>Loading model… %1%</source>
        <translation>正在加载模型… %1%</translation>
    </message>
    <message>
        <source>Could not load the model: %1</source>
        <translation>无法加载模型：%1</translation>
    </message>
</context>
<context>
    <name>ChatArea</name>
    <message>
        <source>New chat</source>
        <translation>新对话</translation>
    </message>
    <message>
        <source>Thinking</source>
        <translation>思考</translation>
    </message>
    <message>
        <source>Let the model reason before it answers (models that support it)</source>
        <translation>让模型先推理再回答（需模型支持）</translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>键盘快捷键</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Scroll to the newest message</source>
        <translation>滚动到最新消息</translation>
    </message>
    <message>
        <source>Reading the prompt… %1%</source>
        <translation>正在读取提示… %1%</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
<context>
    <name>Composer</name>
    <message>
        <source>Message Folio (Enter to send, Shift+Enter for a new line)</source>
        <translation>给 Folio 发消息（Enter 发送，Shift+Enter 换行）</translation>
    </message>
    <message>
        <source>Load a model to start chatting</source>
        <translation>加载模型后即可开始对话</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>发送</translation>
    </message>
    <message>
        <source>Stop the reply (Esc)</source>
        <translation>停止回复 (Esc)</translation>
    </message>
    <message>
        <source>Send (Enter)</source>
        <translation>发送 (Enter)</translation>
    </message>
    <message>
        <source>%1 / %2 tokens</source>
        <translation>%1 / %2 个词元</translation>
    </message>
</context>
<context>
    <name>ConversationDelegate</name>
    <message>
        <source>Pinned</source>
        <translation>已置顶</translation>
    </message>
    <message>
        <source>New chat</source>
        <translation>新对话</translation>
    </message>
    <message>
        <source>Conversation actions</source>
        <translation>对话操作</translation>
    </message>
    <message>
        <source>Unpin</source>
        <translation>取消置顶</translation>
    </message>
    <message>
        <source>Pin</source>
        <translation>置顶</translation>
    </message>
    <message>
        <source>Rename</source>
        <translation>重命名</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
</context>
<context>
    <name>Main</name>
    <message>
        <source>%1 — Folio</source>
        <translation>%1 — Folio</translation>
    </message>
    <message>
        <source>Reply copied</source>
        <translation>已复制回复</translation>
    </message>
    <message>
        <source>Your conversation history could not be opened normally: %1</source>
        <translation>无法正常打开对话记录：%1</translation>
    </message>
    <message>
        <source>Deleted “%1”</source>
        <translation>已删除“%1”</translation>
    </message>
    <message>
        <source>Copied</source>
        <translation>已复制</translation>
    </message>
</context>
<context>
    <name>MessageDelegate</name>
    <message>
        <source>Thinking…</source>
        <translation>思考中…</translation>
    </message>
    <message>
        <source>Thought for %1 s</source>
        <translation>思考了 %1 秒</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Save and send</source>
        <translation>保存并发送</translation>
    </message>
    <message>
        <source>Previous version</source>
        <translation>上一个版本</translation>
    </message>
    <message>
        <source>%1/%2</source>
        <translation>%1/%2</translation>
    </message>
    <message>
        <source>Next version</source>
        <translation>下一个版本</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>编辑</translation>
    </message>
    <message>
        <source>Regenerate</source>
        <translation>重新生成</translation>
    </message>
    <message>
        <source>Continue</source>
        <translation>继续</translation>
    </message>
    <message>
        <source>(stopped)</source>
        <translation>（已停止）</translation>
    </message>
</context>
<context>
    <name>QObject</name>
    <message>
        <source>The chat database could not be opened (%1). Chats in this session will not be saved.</source>
        <translation>无法打开对话数据库（%1）。本次会话中的对话不会被保存。</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>GPU (CUDA)</source>
        <translation>GPU (CUDA)</translation>
    </message>
    <message>
        <source>Balanced (recommended)</source>
        <translation>均衡（推荐）</translation>
    </message>
    <message>
        <source>Thinking (for reasoning models)</source>
        <translation>思考（适用于推理模型）</translation>
    </message>
    <message>
        <source>Precise (deterministic)</source>
        <translation>精确（确定性）</translation>
    </message>
    <message>
        <source>Creative</source>
        <translation>创意</translation>
    </message>
    <message>
        <source>Same as the system</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>浅色</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>深色</translation>
    </message>
    <message>
        <source>Choose a model file</source>
        <translation>选择模型文件</translation>
    </message>
    <message>
        <source>GGUF models (*.gguf)</source>
        <translation>GGUF 模型 (*.gguf)</translation>
    </message>
    <message>
        <source>All files (*)</source>
        <translation>所有文件 (*)</translation>
    </message>
    <message>
        <source>Model file</source>
        <translation>模型文件</translation>
    </message>
    <message>
        <source>Path to a .gguf file</source>
        <translation>.gguf 文件的路径</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Load</source>
        <translation>加载</translation>
    </message>
    <message>
        <source>Threads</source>
        <translation>线程数</translation>
    </message>
    <message>
        <source>Automatic</source>
        <translation>自动</translation>
    </message>
    <message>
        <source>Context size</source>
        <translation>上下文长度</translation>
    </message>
    <message>
        <source>Model default</source>
        <translation>模型默认值</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <source>Sampling</source>
        <translation>采样</translation>
    </message>
    <message>
        <source>System prompt</source>
        <translation>系统提示词</translation>
    </message>
    <message>
        <source>Instructions given to the model at the start of every new chat</source>
        <translation>每个新对话开始时给模型的指示</translation>
    </message>
    <message>
        <source>Theme</source>
        <translation>主题</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>Font size</source>
        <translation>字号</translation>
    </message>
    <message>
        <source>Threads, context size and device apply the next time a model is loaded.</source>
        <translation>线程数、上下文长度和设备将在下次加载模型时生效。</translation>
    </message>
</context>
<context>
    <name>ShortcutsDialog</name>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>键盘快捷键</translation>
    </message>
    <message>
        <source>New chat</source>
        <translation>新对话</translation>
    </message>
    <message>
        <source>Search conversations</source>
        <translation>搜索对话</translation>
    </message>
    <message>
        <source>Focus the message box</source>
        <translation>聚焦到输入框</translation>
    </message>
    <message>
        <source>Send the message</source>
        <translation>发送消息</translation>
    </message>
    <message>
        <source>New line in the message</source>
        <translation>在消息中换行</translation>
    </message>
    <message>
        <source>Stop the reply</source>
        <translation>停止回复</translation>
    </message>
    <message>
        <source>Copy the last reply</source>
        <translation>复制最后一条回复</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>This list</source>
        <translation>本列表</translation>
    </message>
</context>
<context>
    <name>Sidebar</name>
    <message>
        <source>New chat</source>
        <translation>新对话</translation>
    </message>
    <message>
        <source>Start a new conversation (Ctrl+N)</source>
        <translation>开始新对话 (Ctrl+N)</translation>
    </message>
    <message>
        <source>Search conversations</source>
        <translation>搜索对话</translation>
    </message>
    <message>
        <source>No conversation matches</source>
        <translation>没有匹配的对话</translation>
    </message>
    <message>
        <source>No conversations yet</source>
        <translation>还没有对话</translation>
    </message>
</context>
<context>
    <name>Snackbar</name>
    <message>
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
</context>
<context>
    <name>StatusBar</name>
    <message>
        <source>No model loaded</source>
        <translation>未加载模型</translation>
    </message>
</context>
<context>
    <name>WelcomePane</name>
    <message>
        <source>What can I help you with?</source>
        <translation>有什么可以帮你？</translation>
    </message>
    <message>
        <source>Welcome to Folio</source>
        <translation>欢迎使用 Folio</translation>
    </message>
    <message>
        <source>Everything stays on this computer: the model runs locally and your conversations are stored only here.</source>
        <translation>一切都留在这台电脑上：模型在本地运行，对话只保存在这里。</translation>
    </message>
    <message>
        <source>No model is loaded yet. Folio runs language models in the GGUF format on this computer.&lt;br&gt;&lt;br&gt;1. Download a GGUF model, for example &lt;b&gt;Qwen2.5-Coder-0.5B-Instruct (Q4_K_M)&lt;/b&gt;.&lt;br&gt;2. Open &lt;b&gt;Settings&lt;/b&gt; and choose the file, or put it at&lt;br&gt;&lt;tt&gt;%1&lt;/tt&gt;</source>
        <translation>尚未加载模型。Folio 在这台电脑上运行 GGUF 格式的语言模型。&lt;br&gt;&lt;br&gt;1. 下载一个 GGUF 模型，例如 &lt;b&gt;Qwen2.5-Coder-0.5B-Instruct (Q4_K_M)&lt;/b&gt;。&lt;br&gt;2. 打开&lt;b&gt;设置&lt;/b&gt;并选择该文件，或将其放在&lt;br&gt;&lt;tt&gt;%1&lt;/tt&gt;</translation>
    </message>
    <message>
        <source>Choose a model…</source>
        <translation>选择模型…</translation>
    </message>
</context>
</TS>
