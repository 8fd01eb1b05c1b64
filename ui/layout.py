"""Where the essential controls go: the sidebar, or one row above the charts.

Classroom mode is built for a 1280x720 projector: the optimizer, the learning
rate, the view and the classroom switch share one row, and the charts are sized
so that the contour with both axes and the play control fit under it without
scrolling. Type is larger everywhere, captions and tables included.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from ui.session import md

PLAYBACK_HEIGHT = {False: 700, True: 540}  # classroom: the first screen at 720 px
CONTOUR_HEIGHT = {False: 620, True: 540}
SIDE_HEIGHT = {False: 340, True: 262}  # two side charts beside the contour


@dataclass(frozen=True)
class Slots:
    """Where each essential control is drawn; None: in its usual place."""

    optimizer: object
    lr: object
    view: object = None
    toggle: object = None


def page_head(title: str, classroom: bool, warnings: list[str]) -> None:
    """Page settings (classroom: the sidebar folded), the link's warnings, CSS."""
    st.set_page_config(
        page_title=title,
        page_icon="⛰️",
        layout="wide",
        initial_sidebar_state="collapsed" if classroom else "auto",
    )
    for warning in warnings:
        st.warning(md(warning))
    page_css(classroom)


def markdown_table(rows: list[dict[str, str]]) -> str:
    """Rows of text as a Markdown table, every cell escaped (ui.session.md);
    the first column left, the others (numbers) right.

    Written here, not st.dataframe or st.table: both load Streamlit's Arrow
    chunks (arrowFormatUtils 743 KB; st.dataframe also DataFrame 487 KB) on
    every first page for a table of at most nine short rows. Measured in
    Chromium, six cold loads each, alternating: 3.42 s median with
    st.dataframe, 3.06 s with this. pandas' to_markdown would need tabulate.
    """
    if not rows:
        return ""
    columns = list(rows[0])
    lines = [
        "| " + " | ".join(md(c) for c in columns) + " |",
        "| :-- |" + " --: |" * (len(columns) - 1),
    ]
    lines += ["| " + " | ".join(md(row[c]) for c in columns) + " |" for row in rows]
    return "\n".join(lines)


def page_css(classroom: bool) -> None:
    """Fixed page CSS (no user text). Screen: less empty space above the charts.
    Classroom: the page starts near the top under a see-through header bar, and
    captions, text, tables and labels are in projector sizes.

    Both: Streamlit draws a widget whose code has not arrived yet as a 40-px
    skeleton. On a fresh server's first page the charts were drawn before the
    view and axes controls' code came, and moved up 8 px when it did (the
    controls and the toggles beside them are 32 px); the chart bridge (0 px)
    moved what is under the charts up 40 px. Their skeletons now take the
    room the elements will."""
    # The same two skeleton rules start both (st.html takes only literals:
    # tests/test_security.py).
    if classroom:
        st.html(
            "<style>"
            ":is(.st-key-view,.st-key-axes,.st-key-classroom,.st-key-equal_scale)"
            ">[data-testid=stSkeleton]{height:2rem}"
            "[class*=st-key-bridge]>[data-testid=stSkeleton]{height:0}"
            "header[data-testid='stHeader']{background:transparent}"
            ".block-container{padding-top:1.4rem;padding-bottom:1rem}"
            "[data-testid='stCaptionContainer'],[data-testid='stCaptionContainer'] p"
            "{font-size:1.15rem;color:#222}"
            "[data-testid='stMarkdownContainer'] p,[data-testid='stExpander'] summary"
            " p,[data-testid='stMarkdownContainer'] td,"
            "[data-testid='stMarkdownContainer'] th,"
            "[data-testid='stWidgetLabel'] p{font-size:1.2rem}"
            "</style>"
        )
    else:
        st.html(
            "<style>"
            ":is(.st-key-view,.st-key-axes,.st-key-classroom,.st-key-equal_scale)"
            ">[data-testid=stSkeleton]{height:2rem}"
            "[class*=st-key-bridge]>[data-testid=stSkeleton]{height:0}"
            ".block-container{padding-top:3.6rem}</style>"
        )


def top_row(classroom: bool) -> Slots:
    """The sidebar, or in classroom mode one row above the charts."""
    if not classroom:
        return Slots(st.sidebar, st.sidebar)
    cols = st.columns([2.4, 4.2, 3.8, 1.8], vertical_alignment="bottom")
    return Slots(*cols)
