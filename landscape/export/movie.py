"""The playback as an animated GIF (Pillow) or an MP4 (imageio + imageio-ffmpeg)."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence

import imageio.v3 as iio
import numpy as np
from PIL import Image

from landscape import export
from landscape.export import raster
from landscape.export.raster import TEXT, Progress
from landscape.figures import SCREEN, RunView, Theme
from landscape.figures.theme import PALETTE
from landscape.surface import Surface

FPS = 20
MP4_QUALITY = 7  # imageio's 0-10 scale; 7 is x264 CRF 15: crisp lines, small files
PACK = np.array([65536, 256, 1])  # an RGB triple as one integer
NO_DITHER = Image.Dither.NONE


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


def gif_palette(
    background: np.ndarray, colours: Sequence[tuple[int, int, int]] = ()
) -> list[int]:
    """255 colours (one index stays free for Pillow's transparent deltas): the
    run colours, white, the text colour and `colours` (ones later frames bring
    in) exactly, then the background's most common colours, so its flat fills
    keep their exact values."""
    fixed = [_rgb(c) for c in PALETTE] + [(255, 255, 255), _rgb(TEXT)]
    fixed += [tuple(int(v) for v in c) for c in dict.fromkeys(colours)]
    packed = background.reshape(-1, 3).astype(np.int64) @ PACK
    values, counts = np.unique(packed, return_counts=True)
    taken = {r * 65536 + g * 256 + b for r, g, b in fixed}
    common = [int(v) for v in values[np.argsort(-counts)] if int(v) not in taken]
    extra = [(v >> 16, (v >> 8) & 255, v & 255) for v in common[: 255 - len(fixed)]]
    return [channel for colour in fixed + extra for channel in colour]


class _Indexer:
    """Frames -> palette indices, exact for every colour in the palette.

    Pillow maps colours through 6-bit cells (about half of a 255-colour palette
    maps to a neighbour, white included), so exact matches are looked up here and
    only the other colours take Pillow's nearest. Only pixels that differ from
    the first frame are mapped again.
    """

    def __init__(self, first: np.ndarray, palette: list[int]):
        self.first = first
        self.palette_image = Image.new("P", (1, 1))
        self.palette_image.putpalette(palette)
        packed = np.array(palette).reshape(-1, 3) @ PACK
        self.order = np.argsort(packed)
        self.sorted = packed[self.order]
        self.base = self._map(first.reshape(-1, 3)).reshape(first.shape[:2])

    def _map(self, pixels: np.ndarray) -> np.ndarray:
        """(n, 3) uint8 colours -> (n,) palette indices."""
        row = Image.fromarray(np.ascontiguousarray(pixels[None]))
        out = np.asarray(row.quantize(palette=self.palette_image, dither=NO_DITHER))[
            0
        ].copy()
        packed = pixels.astype(np.int64) @ PACK
        at = np.searchsorted(self.sorted, packed).clip(0, len(self.sorted) - 1)
        exact = self.sorted[at] == packed
        out[exact] = self.order[at[exact]]
        return out

    def __call__(self, frame: np.ndarray) -> np.ndarray:
        differs = frame != self.first
        changed = differs[..., 0] | differs[..., 1] | differs[..., 2]
        out = self.base.copy()
        if changed.any():
            out[changed] = self._map(frame[changed])
        return out


def encode_gif(
    frames: Iterable[np.ndarray],
    fps: int = FPS,
    colours: Sequence[tuple[int, int, int]] = (),
) -> bytes:
    """An endlessly looping GIF of (h, w, 3) uint8 frames.

    The palette comes from the first frame (the background with the paths at
    their starts) and `colours` (see gif_palette). Pillow writes it:
    imageio's Pillow plugin would hand it frames without a palette and a
    palette to match, and Pillow's matching takes 26 ms a frame, against under
    1 ms for the whole write here.
    """
    index, images = None, []
    for frame in frames:
        if index is None:
            palette = gif_palette(frame, colours)
            index = _Indexer(frame, palette)
        h, w = frame.shape[:2]
        image = Image.frombytes("P", (w, h), index(frame).tobytes())
        image.putpalette(palette)
        images.append(image)
    if not images:
        raise ValueError("no frames to encode")
    out = io.BytesIO()
    # optimize: unchanged pixels become the spare index's transparency.
    images[0].save(
        out,
        format="GIF",
        save_all=True,
        append_images=images[1:],
        duration=round(1000 / fps),
        loop=0,
        optimize=True,
    )
    return out.getvalue()


def _even(frame: np.ndarray) -> np.ndarray:
    """Pad to even sides with white: H.264's 4:2:0 colour needs them."""
    h, w = frame.shape[:2]
    pad = ((0, h % 2), (0, w % 2), (0, 0))
    return np.pad(frame, pad, constant_values=255) if (h | w) % 2 else frame


def encode_mp4(frames: Iterable[np.ndarray], fps: int = FPS) -> bytes:
    """An H.264 MP4 (yuv420p, fast start) of (h, w, 3) uint8 frames, streamed to
    imageio-ffmpeg's bundled ffmpeg one at a time."""
    return iio.imwrite(
        "<bytes>",
        (_even(frame) for frame in frames),
        extension=".mp4",
        plugin="FFMPEG",
        is_batch=True,
        fps=fps,
        codec="libx264",
        quality=MP4_QUALITY,
        macro_block_size=2,
        output_params=["-movflags", "+faststart"],
    )


Encoder = Callable[[Iterable[np.ndarray], int], bytes]
FILMS = ("gif", "mp4")


def encode(
    fmt: str,
    frames: Iterable[np.ndarray],
    fps: int = FPS,
    colours: Sequence[tuple[int, int, int]] = (),
) -> bytes:
    """Frames as a "gif" (its palette also holding `colours`) or an "mp4"."""
    if fmt == "gif":
        return encode_gif(frames, fps, colours)
    if fmt == "mp4":
        return encode_mp4(frames, fps)
    raise ValueError(f"fmt={fmt!r}; use one of {', '.join(FILMS)}")


def _writer(name: str, encoder: Encoder, doc: str) -> Callable[..., bytes]:
    """One playback writer for every format: raster draws the frames, encoder
    packs them. Only the name, encoder and docstring differ between formats."""

    def write(
        surface: Surface,
        runs: Sequence[RunView],
        feature_names: tuple[str, str],
        *,
        theme: Theme = SCREEN,
        width: int = 960,
        height: int = 600,
        frames: int = 200,
        fps: int = FPS,
        progress: Progress | None = None,
    ) -> bytes:
        export.check_size(width, height)
        raster.check(frames, fps)
        report = progress or (lambda fraction, message: None)
        images = raster.render_frames(
            surface,
            runs,
            feature_names,
            theme=theme,
            width=width,
            height=height,
            frames=frames,
            progress=report,
        )
        data = encoder(images, fps)
        report(1.0, "done")
        return data

    write.__name__ = write.__qualname__ = name
    write.__doc__ = doc
    return write


to_gif = _writer(
    "to_gif",
    encode_gif,
    """The playback as a looping GIF: each frame shows every path up to a step.

    Args:
        surface, runs, feature_names, theme: as figures.contour_figure takes them.
        width, height: pixels of each frame.
        frames: at most this many frames (one per step at most), steps spread
            evenly from the start to the longest run's end.
        fps: frames per second.
        progress: called as progress(fraction, message) while it renders, e.g.
            to drive a progress bar.
    """,
)
to_mp4 = _writer(
    "to_mp4", encode_mp4, "The playback as an H.264 MP4; arguments as to_gif."
)
