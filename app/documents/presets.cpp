#include "app/documents/presets.h"

namespace folio {
namespace {

struct Preset {
    const char* key;
    int documentsNeeded;
    const char* titleEn;
    const char* titleZh;
    const char* templateEn;
    const char* templateZh;
};

const Preset kPresets[] = {
    {"summary", 1, "Summary", "摘要",
     "Summarise {document} for a busy reader: what it is for, who the parties are, and its main "
     "points, in at most ten bullet points. Give the page of every point as [p.N].",
     "请为忙碌的读者总结《{document}》：它的用途、当事各方以及主要内容，不超过十条要点。"
     "每条要点都用 [p.N] 注明所在页码。"},
    {"key_terms", 1, "Key terms", "关键条款",
     "Extract the key terms of {document} as a table with these rows: parties; dates and "
     "deadlines; amounts and currencies; obligations of each party; payment; termination; "
     "liability and its limits; governing law and dispute resolution. Write \"not stated\" where "
     "the document is silent, and give the page of each entry as [p.N].",
     "以表格形式提取《{document}》的关键条款，包括：当事方；日期与期限；金额与币种；各方义务；"
     "付款；终止；责任及责任限制；适用法律与争议解决。文件未提及的写“未约定”，"
     "每一项都用 [p.N] 注明页码。"},
    {"risks", 1, "Risks", "风险",
     "Review {document} for risks to the party relying on it: one-sided obligations, unlimited or "
     "uncapped liability, automatic renewal, short notice periods, penalties and vague wording. "
     "For each risk give the clause and page as [p.N], rate it high, medium or low, say why, and "
     "suggest a safer wording.",
     "审阅《{document}》中对依赖方不利的风险：单方面义务、无上限责任、自动续约、过短的通知期、"
     "违约金以及含糊的措辞。每项风险都写明条款及页码 [p.N]，评为高、中或低，说明理由，"
     "并建议更稳妥的措辞。"},
    {"conflicts", 1, "Conflicts between clauses", "条款冲突",
     "Check whether any clauses of {document} contradict or are inconsistent with each other, for "
     "example different deadlines, amounts, definitions or procedures for the same matter. For "
     "each conflict quote both clauses with their pages as [p.N] and explain the inconsistency. "
     "If you find none, say so.",
     "检查《{document}》中是否有相互矛盾或不一致的条款，例如同一事项的期限、金额、定义或程序不同。"
     "对每一处冲突，引用双方条款并用 [p.N] "
     "注明页码，说明不一致之处。如果没有发现冲突，请明确说明。"},
    {"compare", 2, "Compare two documents", "比较两份文件",
     "Compare {document} (Document 1) with {document2} (Document 2) clause by clause: what was "
     "added, removed or changed. Cite pages as [Document 1, p.N] and [Document 2, p.N]. End with "
     "the differences that matter most.",
     "逐条比较《{document}》（文档1）与《{document2}》（文档2）：新增、删除和修改了哪些内容。"
     "用“文档1第N页”和“文档2第N页”注明出处。最后总结最重要的差异。"},
};

const Preset* findPreset(const QString& key) {
    for (const Preset& p : kPresets)
        if (key == QLatin1String(p.key)) return &p;
    return nullptr;
}

bool isChinese(const QString& language) {
    return language == QLatin1String("zh_CN");
}

}  // namespace

QString presetLanguage(const QString& locale) {
    return locale.startsWith(QLatin1String("zh"), Qt::CaseInsensitive) ? QStringLiteral("zh_CN")
                                                                       : QStringLiteral("en");
}

QVector<PresetInfo> analysisPresets(const QString& language) {
    QVector<PresetInfo> out;
    for (const Preset& p : kPresets)
        out.push_back({QString::fromLatin1(p.key),
                       QString::fromUtf8(isChinese(language) ? p.titleZh : p.titleEn),
                       p.documentsNeeded});
    return out;
}

QString builtinPresetTemplate(const QString& key, const QString& language) {
    const Preset* p = findPreset(key);
    if (!p) return {};
    return QString::fromUtf8(isChinese(language) ? p->templateZh : p->templateEn);
}

Expected<QString> renderPreset(const QString& templateText, const QString& key,
                               const QStringList& documentTitles) {
    const Preset* p = findPreset(key);
    if (!p) return makeError("unknown analysis preset: " + key.toStdString());
    if (documentTitles.size() < p->documentsNeeded)
        return makeError(QStringLiteral("the \"%1\" preset needs %2 documents; %3 attached")
                             .arg(key)
                             .arg(p->documentsNeeded)
                             .arg(documentTitles.size())
                             .toStdString());
    QString out = templateText;
    out.replace(QLatin1String("{document}"), documentTitles.value(0));
    out.replace(QLatin1String("{document2}"), documentTitles.value(1));
    return out;
}

Expected<QString> PresetLibrary::templateFor(const QString& key, const QString& language) const {
    if (!findPreset(key)) return makeError("unknown analysis preset: " + key.toStdString());
    Expected<QString> edited = m_store.presetOverride(key, presetLanguage(language));
    if (!edited) return edited.error();
    return edited->isEmpty() ? builtinPresetTemplate(key, presetLanguage(language)) : *edited;
}

Expected<bool> PresetLibrary::isEdited(const QString& key, const QString& language) const {
    Expected<QString> edited = m_store.presetOverride(key, presetLanguage(language));
    if (!edited) return edited.error();
    return !edited->isEmpty();
}

Status PresetLibrary::setTemplate(const QString& key, const QString& language,
                                  const QString& text) {
    if (!findPreset(key)) return makeError("unknown analysis preset: " + key.toStdString());
    // Saving the built-in text (or nothing) is the same as not having edited it.
    const QString lang = presetLanguage(language);
    const bool same = text.trimmed().isEmpty() || text == builtinPresetTemplate(key, lang);
    return m_store.setPresetOverride(key, lang, same ? QString() : text);
}

Status PresetLibrary::reset(const QString& key, const QString& language) {
    return m_store.setPresetOverride(key, presetLanguage(language), QString());
}

}  // namespace folio
