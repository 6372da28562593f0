"""The pathway map: children as dots moving between the stations of a process map.

One package, one job per module:

* `process_map`: the map file's model (stations, lines, areas, the rules that move a child);
* `replay`: a ProcessMap applied to an EventLog: each child's visits and cycles (`Journeys`);
* `frames`: what is at each station on a date (the stock), and the player's payload;
* `tube_layout`: the tube-map drawing (straight runs, 45-degree bends, ticks, interchanges);
The page kind that draws it is `generator.pages.pathway_map`, registered with the others.
"""
