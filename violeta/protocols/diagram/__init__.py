"""A protocol drawn as a standalone SVG on the server, and the same content as a text outline.

Layout: stages are placed in layers by their breadth-first depth from the initial stage, top to
bottom; each layer is centred, its stages side by side, ordered by the mean position of their
parents above (one barycentre pass) to avoid crossings. Breadth-first depth guarantees that an
arrow goes down at most one layer, so there are four kinds of arrow:

- down: a straight line from the bottom of one box to the top of the next, its label on it;
- across: to a neighbour in the same layer, a horizontal arrow; the gap between the two boxes
  is widened to hold its label;
- loop: a step that stays in its stage, a small curve on the side of its box;
- back: up, or to a stage farther in the same layer. It runs in its own lane outside the
  layers (left or right, whichever is shorter), with rounded corners; a box that is not the
  outermost of its layer is left or entered through a channel in the gap between layers. Lanes
  are spaced by the width of their labels, which sit beside them, and ordered so that the
  channels do not cross each other's drops.

Ports on a box side are spread evenly, ordered by where the other end is. Every label then
takes the first spot along its arrow that overlaps no box, no earlier label and no other arrow,
or the spot with fewest conflicts.

Text widths are estimated (no font metrics on the server), with room to spare. The SVG uses
presentation attributes only, never ``style``: the site's Content-Security-Policy forbids
inline styles.
"""

from violeta.protocols.diagram.outline import protocol_outline
from violeta.protocols.diagram.svg import protocol_svg
from violeta.protocols.diagram.text import deadline_text

__all__ = ["deadline_text", "protocol_outline", "protocol_svg"]
