"""Puts a benchmark's figures into BENCHMARKS.md, shared by the bench scripts.

The block between <!-- TAG:begin --> and <!-- TAG:end --> is replaced by the new text (the markers
are kept); a document without that block gets it appended, under HEADING when one is given.

    python3 bench/benchmarks_section.py BENCHMARKS.md TAG FILE [HEADING]
"""
import re
import sys


def write_section(doc, tag, body, heading=None):
    begin, end = "<!-- %s:begin -->" % tag, "<!-- %s:end -->" % tag
    block = begin + "\n" + body.rstrip("\n") + "\n" + end
    with open(doc, encoding="utf-8") as f:
        text = f.read()
    if begin in text:
        text = re.sub(re.escape(begin) + ".*?" + re.escape(end), lambda _: block, text, flags=re.S)
    else:
        text = text.rstrip("\n") + "\n\n" + ("%s\n\n" % heading if heading else "") + block + "\n"
    with open(doc, "w", encoding="utf-8") as f:
        f.write(text)


if __name__ == "__main__":
    if len(sys.argv) not in (4, 5):
        sys.exit(__doc__)
    with open(sys.argv[3], encoding="utf-8") as body:
        write_section(sys.argv[1], sys.argv[2], body.read(), sys.argv[4] if len(sys.argv) == 5 else None)
