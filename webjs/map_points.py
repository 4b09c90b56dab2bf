"""Write the map's points: the countries that world-atlas draws at 1:50m but not at 1:110m.

The home page's map uses ``countries-110m.json``, where Singapore, Bahrain, Hong Kong, Malta
and some sixty other small countries have no shape; ``static/map-points.json`` gives each of
them (ISO 3166 numeric code, Natural Earth name) a point: the centroid of its largest polygon
at 1:50m, rounded to 0.01 degree. Run by ``make map-points`` with the world-atlas package::

    python webjs/map_points.py world-atlas-2.0.2.tgz src/umkm_kg/web/static/map-points.json
"""

from __future__ import annotations

import json
import sys
import tarfile
from pathlib import Path
from typing import Any


def _arcs(topology: dict[str, Any]) -> list[list[tuple[float, float]]]:
    """The topology's arcs in degrees (undoing the quantisation and the delta encoding)."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    decoded = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        decoded.append(points)
    return decoded


def _ring(arcs: list[list[tuple[float, float]]], indexes: list[int]) -> list[tuple[float, float]]:
    points: list[tuple[float, float]] = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def _centroid(ring: list[tuple[float, float]]) -> tuple[float, float, float]:
    """Area and centroid of a ring (shoelace formula; in degrees, good enough for a dot)."""
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if abs(area) < 1e-12:
        xs, ys = [p[0] for p in ring], [p[1] for p in ring]
        return 0.0, sum(xs) / len(xs), sum(ys) / len(ys)
    return abs(area) / 2, cx / (3 * area), cy / (3 * area)


def points(small: dict[str, Any], large: dict[str, Any]) -> list[dict[str, Any]]:
    """One point for each country with an ISO code in ``small`` (50m) but not in ``large``."""
    drawn = {g.get("id") for g in large["objects"]["countries"]["geometries"]}
    arcs = _arcs(small)
    found = []
    for geometry in small["objects"]["countries"]["geometries"]:
        code = geometry.get("id")
        if code is None or code in drawn:
            continue
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        _area, lon, lat = max(_centroid(_ring(arcs, polygon[0])) for polygon in polygons)
        found.append(
            {
                "iso": code,
                "name": geometry["properties"]["name"],
                "lon": round(lon, 2),
                "lat": round(lat, 2),
            }
        )
    return sorted(found, key=lambda p: p["iso"])


def main(tarball: str, output: str) -> None:
    with tarfile.open(tarball) as archive:

        def read(name: str) -> dict[str, Any]:
            member = archive.extractfile(f"package/{name}")
            assert member is not None
            return dict(json.load(member))

        found = points(read("countries-50m.json"), read("countries-110m.json"))
    text = "[\n" + ",\n".join(json.dumps(p, ensure_ascii=False) for p in found) + "\n]\n"
    Path(output).write_text(text, encoding="utf-8")
    print(f"{len(found)} points written to {output}")


if __name__ == "__main__":
    main(*sys.argv[1:3])
