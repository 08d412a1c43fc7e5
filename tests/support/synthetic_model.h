#pragma once
// Synthetic models for tests: runs scripts/make_synthetic_gguf.py (random weights in real model
// shapes, with a real tokenizer from ../shared) and reports why when it cannot. Header-only, Qt
// only (no engine dependency). Used by the parity, prefix-sharing and long-context suites.
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QtTest>

#include "support/test_env.h"

namespace folio::test {

// The Python that runs the repository's scripts: the project's .venv when there is one (made by
// scripts/setup), else python3 on PATH.
inline QString python() {
    const QString venv = sourceDir() + "/.venv/bin/python3";
    return QFileInfo(venv).isExecutable() ? venv : QStringLiteral("python3");
}

// What make_synthetic_gguf.py writes: its --shape, --type and --ctx.
struct SyntheticSpec {
    QString shape;    // tiny, tiny-k, qwen3-0.6b, tiny-llama, tiny-k-llama, ...
    QString type;     // f32, f16, q8_0, q4_0, q4_k_m
    int context = 0;  // context length in the metadata; 0: the shape's own
};

// The tokenizer a shape is written with (under ../shared/data): llama.cpp's vocab-only Llama 3
// GGUF for the llama shapes, the Qwen3 tokenizer.json directory for the others.
inline QString syntheticTokenizer(const QString& shape) {
    return shape.endsWith("-llama") ? sharedPath("data/vocab/ggml-vocab-llama-bpe.gguf")
                                    : sharedPath("data/qwen3-tokenizer");
}

struct SyntheticResult {
    enum class Outcome { Written, Failed, TimedOut };
    Outcome outcome = Outcome::Failed;
    QString message;  // the script's stderr when it failed
};

// Writes the model described by spec to the file `out`, waiting at most timeoutMs. Needs
// ../shared (callers check FOLIO_REQUIRE_SHARED first) and python gguf + numpy.
inline SyntheticResult writeSyntheticModel(const SyntheticSpec& spec, const QString& out,
                                           int timeoutMs) {
    QStringList args = {sourceDir() + "/scripts/make_synthetic_gguf.py",
                        "--shape",
                        spec.shape,
                        "--type",
                        spec.type,
                        "--tokenizer",
                        syntheticTokenizer(spec.shape),
                        "--out",
                        out};
    if (spec.context > 0) args << "--ctx" << QString::number(spec.context);
    QProcess p;
    p.start(python(), args);
    SyntheticResult r;
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        r.outcome = SyntheticResult::Outcome::TimedOut;
        r.message =
            "make_synthetic_gguf.py did not finish in " + QString::number(timeoutMs) + " ms";
        return r;
    }
    r.message = QString::fromLocal8Bit(p.readAllStandardError());
    r.outcome = p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0
                    ? SyntheticResult::Outcome::Written
                    : SyntheticResult::Outcome::Failed;
    return r;
}

}  // namespace folio::test

// Writes a synthetic model or leaves the (void) test function: a timeout fails it, a script that
// cannot run (python gguf/numpy missing) skips it with the script's message.
#define FOLIO_WRITE_SYNTHETIC_MODEL(spec, out, timeoutMs)                                      \
    do {                                                                                       \
        const folio::test::SyntheticResult r_ =                                                \
            folio::test::writeSyntheticModel((spec), (out), (timeoutMs));                      \
        if (r_.outcome == folio::test::SyntheticResult::Outcome::TimedOut)                     \
            QFAIL(qPrintable(r_.message));                                                     \
        if (r_.outcome == folio::test::SyntheticResult::Outcome::Failed)                       \
            QSKIP(                                                                             \
                qPrintable("cannot write the synthetic model (python gguf/numpy missing? run " \
                           "scripts/setup): " +                                                \
                           r_.message));                                                       \
    } while (0)
