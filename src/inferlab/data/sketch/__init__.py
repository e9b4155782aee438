"""Procedural photos and sketches of object categories for the visual communication (sketch) game.

`make_sketch_data(n_categories, n_unseen_categories, n_instances, n_seen_instances, size, seed)` returns a
`SketchData`: for every category a fixed list of instances (official: 10 per category), each with a photo and a
sketch of that instance, the categories' word vectors, and the splits (seen categories x seen instances for
training; seen categories x unseen instances; unseen categories).
"""

from inferlab.data.sketch.dataset import SketchData, make_sketch_data

__all__ = ["SketchData", "make_sketch_data"]
