#include "ui/demo_content.h"

#include <QDateTime>

#include "ui/conversation_list_model.h"
#include "ui/message_list_model.h"

namespace folio::ui {
namespace {

struct DemoText {
    const char* titles[5];
    const char* question;
    const char* thinking;
    const char* answer;
};

const DemoText kEnglish = {
    {"RAII in modern C++", "Summarise the quarterly report", "Regex for ISO dates",
     "Trip checklist", "Explain attention in transformers"},
    "What is RAII in C++? Give a short example.",
    "The user wants a concise definition and a code example. Mention destructors and scope.",
    "**RAII** (*Resource Acquisition Is Initialization*) ties a resource to an object's "
    "lifetime:\n\n"
    "1. the constructor acquires the resource;\n"
    "2. the destructor releases it, even when an exception leaves the scope.\n\n"
    "```cpp\nstd::lock_guard<std::mutex> lock(m);  // unlocked at the end of the scope\n```\n\n"
    "| Resource | RAII type |\n|---|---|\n| memory | `std::unique_ptr` |\n"
    "| file | `std::fstream` |\n| mutex | `std::lock_guard` |\n",
};

const DemoText kChinese = {
    {"现代 C++ 中的 RAII", "总结季度报告", "匹配 ISO 日期的正则表达式", "旅行清单",
     "解释 Transformer 中的注意力机制"},
    "C++ 中的 RAII 是什么？请给一个简短的例子。",
    "用户需要简洁的定义和代码示例。应提到析构函数和作用域。",
    "**RAII**（*资源获取即初始化*）把资源与对象的生命周期绑定：\n\n"
    "1. 构造函数获取资源；\n"
    "2. 析构函数释放资源，即使异常离开作用域也是如此。\n\n"
    "```cpp\nstd::lock_guard<std::mutex> lock(m);  // 离开作用域时自动解锁\n```\n\n"
    "| 资源 | RAII 类型 |\n|---|---|\n| 内存 | `std::unique_ptr` |\n"
    "| 文件 | `std::fstream` |\n| 互斥量 | `std::lock_guard` |\n",
};

}  // namespace

void fillDemoContent(ConversationListModel* conversations, MessageListModel* messages,
                     const QString& language) {
    const DemoText& text = language == QLatin1String("zh_CN") ? kChinese : kEnglish;
    const QDateTime now = QDateTime::currentDateTime();
    QList<ConversationItem> items;
    for (int i = 0; i < 5; ++i)
        items.append(
            {i + 1, QString::fromUtf8(text.titles[i]), now.addSecs(-3600 * i * i), i == 2});
    conversations->setConversations(items);

    MessageItem question;
    question.id = 1;
    question.role = QStringLiteral("user");
    question.text = QString::fromUtf8(text.question);
    question.branchIndex = 1;
    question.branchCount = 2;
    MessageItem answer;
    answer.id = 2;
    answer.role = QStringLiteral("assistant");
    answer.text = QString::fromUtf8(text.answer);
    answer.thinking = QString::fromUtf8(text.thinking);
    answer.thinkingMs = 1800;
    answer.stats = QStringLiteral("TTFT 120 ms · 35.2 tok/s · 128 tokens");
    messages->setMessages({question, answer});
}

}  // namespace folio::ui
