#include "app/documents/text_cleanup.h"

namespace folio {
namespace {

// CJK radicals-supplement code points that are whole simplified characters.
struct RadicalForm {
    char16_t radical;
    char16_t character;
};
constexpr RadicalForm kRadicalForms[] = {
    {0x2EA0, u'民'}, {0x2EC4, u'西'}, {0x2EC5, u'见'}, {0x2EC6, u'角'}, {0x2EC9, u'贝'},
    {0x2ECB, u'车'}, {0x2ED3, u'长'}, {0x2ED4, u'门'}, {0x2ED9, u'韦'}, {0x2EDA, u'页'},
    {0x2EDB, u'风'}, {0x2EDC, u'飞'}, {0x2EE2, u'马'}, {0x2EE5, u'鱼'}, {0x2EE6, u'鸟'},
    {0x2EE7, u'卤'}, {0x2EE8, u'麦'}, {0x2EE9, u'黄'}, {0x2EEA, u'黾'}, {0x2EEC, u'齐'},
    {0x2EEE, u'齿'}, {0x2EF0, u'龙'}, {0x2EF3, u'龟'},
};

bool needsNfkc(char16_t c) {
    return (c >= 0x2F00 && c <= 0x2FD5) || (c >= 0xFB00 && c <= 0xFB06);
}
bool isRadicalSupplement(char16_t c) {
    return c >= 0x2E80 && c <= 0x2EF3;
}

bool isCjk(QChar c) {
    const char16_t u = c.unicode();
    return (u >= 0x4E00 && u <= 0x9FFF) || (u >= 0x3400 && u <= 0x4DBF) ||
           (u >= 0x3000 && u <= 0x303F) || (u >= 0xFF00 && u <= 0xFFEF);
}

// Spaces and tabs between two CJK characters go: Chinese has no spaces between words, and OCR
// (Tesseract's chi_sim) and some PDF text layers put one between every character ("人 民 币").
QString withoutSpacesBetweenCjk(const QString& text) {
    QString out;
    out.reserve(text.size());
    for (qsizetype i = 0; i < text.size(); ++i) {
        if (text[i] == ' ' || text[i] == '\t') {
            qsizetype j = i;
            while (j < text.size() && (text[j] == ' ' || text[j] == '\t')) ++j;
            if (!out.isEmpty() && isCjk(out.back()) && j < text.size() && isCjk(text[j])) {
                i = j - 1;
                continue;
            }
        }
        out += text[i];
    }
    return out;
}

}  // namespace

QString normalizeExtractedText(const QString& text) {
    bool any = false;
    for (QChar c : text)
        if (needsNfkc(c.unicode()) || isRadicalSupplement(c.unicode()) || c == ' ') any = true;
    if (!any) return text;
    QString out;
    out.reserve(text.size());
    for (QChar c : text) {
        const char16_t u = c.unicode();
        if (u == 0x2F3E) {  // KANGXI RADICAL DOOR: NFKC gives the traditional 戶; fonts draw 户
            out += QChar(u'户');
            continue;
        }
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
    return withoutSpacesBetweenCjk(out);
}

}  // namespace folio
