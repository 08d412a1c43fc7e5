#pragma once
// Writes a synthetic GGUF model with scripts/make_synthetic_gguf.py for the backend suites.
// Needs /work/shared's Qwen3 tokenizer (callers use FOLIO_REQUIRE_SHARED first) and the gguf
// Python package (scripts/setup); returns an empty string with the reason in *why otherwise.
#include <QFileInfo>
#include <QProcess>
#include <QString>

#include "support/test_env.h"

namespace folio::test {

inline QString syntheticModel(const QString& dir, const QString& shape, const QString& type,
                              QString* why, int timeoutMs = 600000) {
    const QString venv = sourceDir() + "/.venv/bin/python3";
    const QString python = QFileInfo(venv).isExecutable() ? venv : QStringLiteral("python3");
    const QString out = dir + "/" + shape + "-" + type + ".gguf";
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(python, {sourceDir() + "/scripts/make_synthetic_gguf.py", "--shape", shape, "--type",
                     type, "--tokenizer", sharedPath("data/qwen3-tokenizer"), "--out", out});
    if (!p.waitForFinished(timeoutMs) || p.exitStatus() != QProcess::NormalExit ||
        p.exitCode() != 0) {
        *why = "cannot write the synthetic model (run scripts/setup): " +
               QString::fromUtf8(p.readAll());
        return {};
    }
    return out;
}

}  // namespace folio::test
