"""Small files that unpack or decode to something huge, for the upload tests."""

import io
import struct
import zipfile
import zlib

from demo.samples import sample_office


def office_bomb(*, kind: str = "docx", unpacked_mb: int = 200) -> bytes:
    """A real-looking .docx/.xlsx (right [Content_Types].xml) of a few hundred KB with one part
    that inflates to `unpacked_mb` MB."""
    buffer = io.BytesIO(sample_office(kind=kind))
    part = "word/media/filler.xml" if kind == "docx" else "xl/media/filler.xml"
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        chunk = b" " * (1024 * 1024)
        with archive.open(part, "w", force_zip64=True) as handle:
            for _ in range(unpacked_mb):
                handle.write(chunk)
    return buffer.getvalue()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def png_bomb(width: int, height: int) -> bytes:
    """A valid black-and-white PNG of width × height pixels (1 bit each, all zero): a few KB to
    tens of KB on disk, width × height × 4 bytes once a program decodes it to RGBA."""
    row = b"\x00" + b"\x00" * ((width + 7) // 8)  # filter byte + packed bits
    compressor = zlib.compressobj(9)
    parts = []
    block = row * 256
    for _ in range(height // 256):
        parts.append(compressor.compress(block))
    parts.append(compressor.compress(row * (height % 256)))
    parts.append(compressor.flush())
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", b"".join(parts))
        + _png_chunk(b"IEND", b"")
    )
