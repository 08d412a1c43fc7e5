#include "app/documents/text_cleanup.h"

namespace folio {
namespace {

// CJK radicals-supplement code points that are whole simplified characters.
struct RadicalForm {
    char16_t radical;
    char16_t character;
};
constexpr RadicalForm kRadicalForms[] = {
    {0x2EC4, u'西'}, {0x2EC5, u'见'}, {0x2EC6, u'角'}, {0x2EC9, u'贝'}, {0x2ECB, u'车'},
    {0x2ED3, u'长'}, {0x2ED4, u'门'}, {0x2ED9, u'韦'}, {0x2EDA, u'页'}, {0x2EDB, u'风'},
    {0x2EDC, u'飞'}, {0x2EE2, u'马'}, {0x2EE5, u'鱼'}, {0x2EE6, u'鸟'}, {0x2EE7, u'卤'},
    {0x2EE8, u'麦'}, {0x2EE9, u'黄'}, {0x2EEA, u'黾'}, {0x2EEC, u'齐'}, {0x2EEE, u'齿'},
    {0x2EF0, u'龙'}, {0x2EF3, u'龟'},
};

bool needsNfkc(char16_t c) {
    return (c >= 0x2F00 && c <= 0x2FD5) || (c >= 0xFB00 && c <= 0xFB06);
}
bool isRadicalSupplement(char16_t c) {
    return c >= 0x2E80 && c <= 0x2EF3;
}

}  // namespace

QString normalizeExtractedText(const QString& text) {
    bool any = false;
    for (QChar c : text)
        if (needsNfkc(c.unicode()) || isRadicalSupplement(c.unicode())) any = true;
    if (!any) return text;
    QString out;
    out.reserve(text.size());
    for (QChar c : text) {
        const char16_t u = c.unicode();
        if (needsNfkc(u)) {
            out += QString(c).normalized(QString::NormalizationForm_KC);
            continue;
        }
        QChar replacement = c;
        if (isRadicalSupplement(u))
            for (const RadicalForm& f : kRadicalForms)
                if (f.radical == u) replacement = QChar(f.character);
        out += replacement;
    }
    return out;
}

}  // namespace folio
