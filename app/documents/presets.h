#pragma once
// Analysis presets: prompt templates for common document questions, in English and Simplified
// Chinese. The built-in texts live in a table; the user can read and edit each one, and edits are
// stored in the database (analysis_presets) through DocumentStore.
//
// Templates may use {document} (the first attached document's title) and {document2} (the
// second's; only "compare" needs it).
#include <QString>
#include <QStringList>
#include <QVector>

#include "app/documents/document_store.h"
#include "engine/status.h"

namespace folio {

struct PresetInfo {
    QString key;    // "summary", "key_terms", "risks", "conflicts", "compare"
    QString title;  // in the requested language
    int documentsNeeded = 1;
};

// "zh_CN" for any Chinese locale name ("zh", "zh_CN", "zh-Hans"...), else "en".
QString presetLanguage(const QString& locale);

// The presets in display order, titles in language.
QVector<PresetInfo> analysisPresets(const QString& language);
// The built-in template; empty for an unknown key.
QString builtinPresetTemplate(const QString& key, const QString& language);

// Fills {document}/{document2} with titles. Errors when the preset needs more documents than given
// or the key is unknown.
Expected<QString> renderPreset(const QString& templateText, const QString& key,
                               const QStringList& documentTitles);

// The templates the user sees: their edit when there is one, else the built-in text.
class PresetLibrary {
public:
    explicit PresetLibrary(DocumentStore& store) : m_store(store) {}
    Expected<QString> templateFor(const QString& key, const QString& language) const;
    Expected<bool> isEdited(const QString& key, const QString& language) const;
    Status setTemplate(const QString& key, const QString& language, const QString& text);
    Status reset(const QString& key, const QString& language);

private:
    DocumentStore& m_store;
};

}  // namespace folio
