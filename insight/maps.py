"""The equity map, drawn on the server as SVG from the regions' boundaries alone: no tile
server, no script, no internet; it prints, and every shape is a link with a title.

Longitude and latitude are projected equirectangularly, longitude scaled by the cosine of the
city's middle latitude (a city spans a few kilometres: the distortion is negligible).
"""

import math
import secrets
from dataclasses import dataclass, field
from typing import NamedTuple

from regions.models import Boundary, Region

WIDTH = 1000.0
# Five classes, light to dark (ColorBrewer YlOrRd), and the colour of "nothing".
PALETTE = ["#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"]
NONE_COLOUR = "#e5e7eb"


class Place(NamedTuple):
    """What a drawn map keeps of a kelurahan. Not the Region itself: a cached map is read back
    on every view, and a Region brings its Boundary's coordinates and reference cycles along."""

    code: str
    name: str
    district: str


@dataclass
class Shape:
    region: Place
    path: str
    value: int = 0
    colour: str = NONE_COLOUR
    url: str = ""


@dataclass
class Point:
    x: float
    y: float
    title: str
    url: str


@dataclass
class Legend:
    colour: str
    low: int
    high: int


@dataclass
class Map:
    width: float
    height: float
    villages: list[Shape]
    legend: list[Legend]
    points: list[Point]
    none_colour: str = NONE_COLOUR
    # Names this drawing: a page keeps its rendering under it ({% cache %}) while it is shown.
    drawn: str = field(default_factory=lambda: secrets.token_hex(6))

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width:.0f} {self.height:.0f}"


class _Projection:
    def __init__(self, boundaries: list[Boundary]):
        positions = [p for b in boundaries for poly in b.polygons for p in poly[0]]
        lngs, lats = [p[0] for p in positions], [p[1] for p in positions]
        self.west, self.north = min(lngs), max(lats)
        middle = math.radians((max(lats) + min(lats)) / 2)
        self.x_scale = math.cos(middle)
        span = max((max(lngs) - self.west) * self.x_scale, 1e-9)
        self.scale = WIDTH / span
        self.height = (self.north - min(lats)) * self.scale

    def __call__(self, lng: float, lat: float) -> tuple[float, float]:
        return (lng - self.west) * self.x_scale * self.scale, (self.north - lat) * self.scale

    def path(self, boundary: Boundary) -> str:
        parts = []
        for polygon in boundary.polygons:
            for ring in polygon:
                points = [self(lng, lat) for lng, lat, *_rest in ring]
                parts.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in points) + "Z")
        return "".join(parts)


@dataclass
class Outline:
    """One region's outline alone, to place a point on (programs' site picker): its path and
    the projection that turns a click back into longitude and latitude."""

    width: float
    height: float
    path: str
    west: float
    north: float
    x_scale: float
    scale: float
    centre_lng: float
    centre_lat: float

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width:.0f} {self.height:.0f}"


def outline(boundary: Boundary) -> Outline:
    project = _Projection([boundary])
    return Outline(
        width=WIDTH,
        height=project.height,
        path=project.path(boundary),
        west=project.west,
        north=project.north,
        x_scale=project.x_scale,
        scale=project.scale,
        centre_lng=boundary.centroid_lng,
        centre_lat=boundary.centroid_lat,
    )


def site_title(output) -> str:
    """ "Taman Geger Cilegon · Lampu taman tenaga surya 6/11 unit · KP Sisterhood Program": the
    site, its output and what verified reports say it achieved, its program."""
    indicator = output.indicator
    achieved = getattr(output, "achieved", 0)
    progress = f"{indicator.name} {achieved}/{output.target_quantity} {indicator.unit}"
    return " · ".join(part for part in (output.site, progress, output.program.title) if part)


def classes(values: list[int]) -> list[Legend]:
    """Up to five equal-width classes from 1 to the largest value, a round step wide
    (1, 2 or 5 times a power of ten)."""
    top = max(values, default=0)
    if top <= 0:
        return []
    rough = max(1, math.ceil(top / len(PALETTE)))
    magnitude = 10 ** int(math.log10(rough))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= rough)
    legend, low = [], 1
    for colour in PALETTE:
        high = low - 1 + step
        legend.append(Legend(colour=colour, low=low, high=high))
        if high >= top:
            break
        low = high + 1
    return legend


def colour_of(value: int, legend: list[Legend]) -> str:
    for band in legend:
        if value <= band.high:
            return band.colour if value > 0 else NONE_COLOUR
    return legend[-1].colour if legend and value > 0 else NONE_COLOUR


def draw(
    area: Region | None,
    values: dict[int, int],
    *,
    link,
    sites=(),
    level: int = Region.Level.VILLAGE,
) -> Map | None:
    """The regions of `level` within `area` (None: the whole country) coloured by `values`
    ({region id: value}): a city's kelurahan, a province's regencies. `link(region)` gives each
    one's address. None without boundaries. Two queries."""
    boundaries = Boundary.objects.filter(region__level=level)
    if area is not None:
        boundaries = boundaries.filter(region__code__startswith=f"{area.code}.")
    villages = list(boundaries.select_related("region__parent"))
    if not villages:
        return None
    project = _Projection(villages)
    legend = classes(list(values.values()))
    shapes = []
    for boundary in sorted(villages, key=lambda b: b.region.code):
        region = boundary.region
        value = values.get(boundary.region_id, 0)
        shapes.append(
            Shape(
                region=Place(region.code, region.name, region.parent.name),
                path=project.path(boundary),
                value=value,
                colour=colour_of(value, legend),
                url=link(boundary.region),
            )
        )
    points = []
    for output in sites:
        x, y = project(float(output.longitude), float(output.latitude))
        if 0 <= x <= WIDTH and 0 <= y <= project.height:
            points.append(
                Point(
                    x=x,
                    y=y,
                    title=site_title(output),
                    url=link(output.village) if output.village_id else "",
                )
            )
    return Map(
        width=WIDTH,
        height=project.height,
        villages=shapes,
        legend=legend,
        points=points,
    )
