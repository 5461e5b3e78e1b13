"""Tool rows of article pages: 【字体：大 中 小】【下载Word】【下载PDF】【打印本页】【关闭窗口】.

They are the page's chrome, not the report. A line is a tool row when it is made of nothing but
bracketed tool labels (【…】, [..], ［…］, each short), or of tool words (``TOOL_WORDS``) and the
separators between them. The bracket rule alone catches most rows, whatever their words; the
word list catches unbracketed rows (``打印本页 | 关闭窗口``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

#: Words of tool rows seen on county and department pages (font size, downloads, print, close, share).
TOOL_WORDS: tuple[str, ...] = (
    "字体", "字号", "大", "中", "小", "默认", "下载Word", "下载PDF", "下载", "打印本页", "打印", "关闭窗口",
    "关闭", "收藏", "分享", "分享到", "返回顶部", "保存", "打印文章", "视力保护色", "纠错",
)
MAX_LABEL = 12          # characters inside one bracketed tool label
_BRACKETED = re.compile(rf"[【\[［]\s*[^】\]］\n]{{1,{MAX_LABEL}}}\s*[】\]］]")
_SEPARATORS = re.compile(r"[\s|｜/:：·]+")


def is_tool_row(cells: Sequence[str], words: Sequence[str] | None = None) -> bool:
    """Whether the line (its cells) is a row of page tools (``words``: ``TOOL_WORDS``)."""
    words = TOOL_WORDS if words is None else words
    line = " ".join(cells).strip()
    if not line:
        return False
    if _BRACKETED.search(line) and not _SEPARATORS.sub("", _BRACKETED.sub("", line)):
        return True
    rest = _SEPARATORS.sub(" ", line).split()
    return bool(rest) and all(token in words for token in rest) and len(rest) >= 2
