"""A small ESC/POS stream decoder: what a printer would do with our bytes (test support)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Stream:
    """What a printer would do with the bytes, as far as these tests care."""

    commands: list[tuple] = field(default_factory=list)  #: (name, args...) in order
    lines: list[str] = field(default_factory=list)  #: printed text rows (LF-separated)
    hangul_segments: list[str] = field(default_factory=list)  #: CP949 text inside FS & .. FS .
    rasters: list[tuple[int, int]] = field(default_factory=list)  #: (width_px, height_px)
    qr_data: list[bytes] = field(default_factory=list)  #: GS ( k cn=49 fn=80 payloads

    def names(self) -> list[str]:
        return [c[0] for c in self.commands]


def decode_escpos(data: bytes) -> Stream:
    """Walk an ESC/POS byte stream; fail on any command this package is not expected to send."""
    s = Stream()
    i, n = 0, len(data)
    row: list[str] = []
    hangul = False
    seg = bytearray()

    def end_segment() -> None:
        if seg:
            text = seg.decode("cp949")  # strict: bad bytes fail the test
            s.hangul_segments.append(text)
            row.append(text)
            seg.clear()

    while i < n:
        b = data[i]
        if b == 0x1B:  # ESC
            cmd = data[i + 1 : i + 2]
            if cmd == b"@":
                s.commands.append(("init",))
                i += 2
            elif cmd == b"p":  # ESC p m t1 t2: open the cash drawer
                s.commands.append(("drawer", data[i + 2], data[i + 3], data[i + 4]))
                i += 5
            elif cmd in (b"a", b"E", b"d", b"!", b"-", b"M", b"t", b"2"):
                arg = () if cmd == b"2" else (data[i + 2],)
                s.commands.append(("ESC " + cmd.decode(), *arg))
                i += 2 + len(arg)
            else:
                raise AssertionError(f"unexpected ESC {cmd!r} at {i}")
        elif b == 0x1D:  # GS
            cmd = data[i + 1 : i + 2]
            if cmd == b"!":
                s.commands.append(("GS !", data[i + 2]))
                i += 3
            elif cmd == b"V":
                m = data[i + 2]
                if m in (65, 66):
                    s.commands.append(("cut", m, data[i + 3]))
                    i += 4
                else:
                    s.commands.append(("cut", m))
                    i += 3
            elif data[i + 1 : i + 3] == b"(k":
                size = data[i + 3] | data[i + 4] << 8
                body = data[i + 5 : i + 5 + size]
                cn, fn = body[0], body[1]
                s.commands.append(("GS ( k", cn, fn))
                if cn == 49 and fn == 80:
                    assert body[2] == 48  # m
                    s.qr_data.append(bytes(body[3:]))
                i += 5 + size
            elif data[i + 1 : i + 3] == b"v0":
                w_bytes = data[i + 4] | data[i + 5] << 8
                height = data[i + 6] | data[i + 7] << 8
                s.commands.append(("GS v 0", w_bytes * 8, height))
                s.rasters.append((w_bytes * 8, height))
                i += 8 + w_bytes * height
            else:
                raise AssertionError(f"unexpected GS {data[i + 1 : i + 3]!r} at {i}")
        elif b == 0x1C:  # FS
            cmd = data[i + 1 : i + 2]
            if cmd == b"&":
                assert not hangul, "FS & while already in Korean mode"
                hangul = True
                s.commands.append(("FS &",))
            elif cmd == b".":
                assert hangul, "FS . outside Korean mode"
                end_segment()
                hangul = False
                s.commands.append(("FS .",))
            else:
                raise AssertionError(f"unexpected FS {cmd!r} at {i}")
            i += 2
        elif b == 0x0A:  # LF
            end_segment()
            s.lines.append("".join(row))
            row.clear()
            i += 1
        elif hangul:
            width = 2 if b >= 0x80 else 1
            seg += data[i : i + width]
            i += width
        else:
            assert 0x20 <= b < 0x7F, f"raw byte {b:#04x} outside Korean mode at {i}"
            row.append(chr(b))
            i += 1
    assert not hangul, "stream ends inside Korean mode"
    if row:
        s.lines.append("".join(row))
    return s
