#pragma once
// Repairs common artefacts of PDF text extraction so the text reads and searches as written.
#include <QString>

namespace folio {

// - Kangxi radicals (U+2F00..U+2FD5) become the ideographs they look like (NFKC): many PDFs map
//   CJK glyphs back to these code points, e.g. "⼀" for "一".
// - CJK radicals-supplement forms that stand for a whole simplified character (e.g. U+2EDA "⻚"
//   for "页") become that character (a table).
// - Latin ligatures (U+FB00..U+FB06, e.g. "ﬀ") become their letters.
// - Spaces between two CJK characters are removed ("人 民 币" from OCR becomes "人民币"); a space
//   between a CJK character and a Latin letter or digit stays.
// Other text is unchanged.
QString normalizeExtractedText(const QString& text);

}  // namespace folio
