#!/usr/bin/env python3
"""Writes tests/data/tokenizer/qwen3_oracle.jsonl: inputs encoded by Hugging Face `tokenizers`.

Usage: pip install tokenizers
       python3 scripts/tokenizer_oracle.py [shared/data/qwen3-tokenizer/tokenizer.json] [out]

Lines (compact JSON):
  {"t": text, "i": [ids]}            ids from tokenizer.encode(text, add_special_tokens=False)
                                      (special-token text in the input is matched, HF's default);
                                      "d": decoded text, only when it differs from text (NFC).
  {"roundtrip_exceptions": [ids]}     vocabulary ids for which encode(decode([id])) != [id] in HF;
                                      every other id must round-trip in Folio too.
The strings are pseudo-random (fixed seed) mixes of scripts, whitespace runs, digits, emoji,
combining marks, contractions and code, plus one long zh/en text.
"""
import json
import random
import sys
import unicodedata

from tokenizers import Tokenizer

SEED = 20240603
COUNT = 10000

ASCII = [chr(c) for c in range(0x20, 0x7F)]
SPACES = [' ', ' ', ' ', '\t', '\n', '\n', '\r', '\r\n', '\x0b', '\x0c', '\x85', '\xa0',
          '\u1680', '\u2000', '\u2003', '\u2009', '\u200a', '\u2028', '\u2029', '\u202f',
          '\u205f', '\u3000', '\x1c', '\x1f', '\u200b', '\ufeff']
WORDS = ['the', 'The', 'HELLO', 'world', 'naïve', 'café', 'über', 'Straße', 'Ελληνικά',
         'русский', 'Български', 'हिन्दी', 'العربية', 'עברית', 'ไทย', '한국어', '日本語', 'カタカナ',
         '我想在', '苹果公司', '工作', '長い', 'Tiếng Việt', 'Vieết', 'ǅemal', 'ﬁnance', 'ſtraße',
         'Ⅻ', '½', '²³', '٣٤٥', '１２３', '𝔘𝔫𝔦𝔠𝔬𝔡𝔢', 'ꙮ', 'ᚠᛇᚻ']
CONTRACTIONS = ["'s", "'S", "'t", "'T", "'re", "'RE", "'Re", "'ve", "'VE", "'m", "'M", "'ll",
                "'LL", "'lL", "'d", "'D", "’s", "'ſ", "'x", "'"]
EMOJI = ['🚀', '🦙', '😶\u200d🌫️', '👩\u200d👩\u200d👧\u200d👦', '🇩🇪', '👍🏽', '✅', '❤️', '🫠',
         '1️⃣', '🏳️\u200d🌈']
MARKS = [chr(c) for c in list(range(0x300, 0x370)) + [0x0651, 0x093F, 0x0E31, 0x20DD, 0x302A]]
CODE = ['def f(x):\n    return x**2\n', 'for (int i = 0; i < n; ++i) {\n\tsum += a[i];\n}',
        '<div class="x">&nbsp;</div>', '$ ls -la | grep "*.py"', '{"key": [1, 2.5e-3, null]}',
        'SELECT * FROM t WHERE id=42;', '#include <vector>', '    \n\n    \t', '```python\n```']
SPECIALS = ['<|im_start|>', '<|im_end|>', '<|endoftext|>', '<think>', '</think>', '<tool_call>',
            '<|im_start', '|im_end|>', '<|fim_prefix|>']
DIGITS = ['0', '7', '42', '123', '2026', '3.14159', '1,000,000', '١٢٣', '४५६', '๑๒']


def random_char(rng):
    """A random assigned, non-surrogate, non-private-use BMP or SMP character."""
    while True:
        cp = rng.randrange(0x20, 0x20000)
        cat = unicodedata.category(chr(cp))
        if cat not in ('Cn', 'Cs', 'Co'):
            return chr(cp)


def random_string(rng):
    parts = []
    for _ in range(rng.randint(1, 12)):
        kind = rng.random()
        if kind < 0.15:
            parts.append(''.join(rng.choice(ASCII) for _ in range(rng.randint(1, 8))))
        elif kind < 0.30:
            parts.append(rng.choice(SPACES) * rng.randint(1, 4))
        elif kind < 0.45:
            parts.append(rng.choice(WORDS))
        elif kind < 0.52:
            parts.append(rng.choice(CONTRACTIONS))
        elif kind < 0.59:
            parts.append(rng.choice(EMOJI))
        elif kind < 0.66:
            parts.append(rng.choice(MARKS) * rng.randint(1, 3))
        elif kind < 0.72:
            parts.append(rng.choice(CODE))
        elif kind < 0.76:
            parts.append(rng.choice(SPECIALS))
        elif kind < 0.84:
            parts.append(rng.choice(DIGITS))
        else:
            parts.append(''.join(random_char(rng) for _ in range(rng.randint(1, 4))))
    return ''.join(parts)


LONG_TEXT = ('机器学习是人工智能的一个分支。Machine learning is a branch of artificial '
             'intelligence that builds models from data. 它使计算机能够在没有明确编程的情况下学习，'
             'for example by fitting 3,141 parameters in 2.5 hours! 第二段：我们讨论 tokenization、'
             'BPE merges 和 “special tokens”。\n\n    Indented line\twith tabs —— and 全角：１２３。\n')


def main():
    tok_path = sys.argv[1] if len(sys.argv) > 1 else '../shared/data/qwen3-tokenizer/tokenizer.json'
    out_path = sys.argv[2] if len(sys.argv) > 2 else 'tests/data/tokenizer/qwen3_oracle.jsonl'
    tok = Tokenizer.from_file(tok_path)
    rng = random.Random(SEED)
    texts = [random_string(rng) for _ in range(COUNT)]
    texts.append(LONG_TEXT * 40)
    with open(out_path, 'w', encoding='utf-8') as f:
        for text in texts:
            ids = tok.encode(text, add_special_tokens=False).ids
            line = {'t': text, 'i': ids}
            decoded = tok.decode(ids, skip_special_tokens=False)
            if decoded != text:
                line['d'] = decoded
            f.write(json.dumps(line, ensure_ascii=False, separators=(',', ':')) + '\n')
        exceptions = []
        for i in range(tok.get_vocab_size(with_added_tokens=True)):
            s = tok.decode([i], skip_special_tokens=False)
            if tok.encode(s, add_special_tokens=False).ids != [i]:
                exceptions.append(i)
        f.write(json.dumps({'roundtrip_exceptions': exceptions}, separators=(',', ':')) + '\n')
    print(f'{out_path}: {len(texts)} strings, {len(exceptions)} round-trip exceptions')


if __name__ == '__main__':
    main()
