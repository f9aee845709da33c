"""Colours and dimensions of the diagram, shared by the layout and the drawing."""

# Colours: the site's violet palette. Text contrast ≥ 10:1 on its background, lines 7.7:1.
VIOLET = "#4b1f73"
VIOLET_SOFT = "#f3edf8"
INK = "#2a1140"
LINE = "#5e4b70"
WHITE = "#ffffff"
FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif'

BOX_WIDTH = 200
BOX_PAD_Y = 13
NAME_SIZE = 14
NAME_LINE = 18
NAME_CHARS = 22  # 22 characters of 14 px fit the 200 px box with 12 px padding
NOTE_SIZE = 11
NOTE_LINE = 15
LABEL_SIZE = 12
LABEL_LINE = 15
LABEL_CHARS = 24
LABEL_PAD = 4
# Average advance of a character, in ems, for a sans-serif font: generous on purpose.
CHAR_EM = 0.58
FINAL_INSET = 4
CURRENT_RING = 5

H_GAP = 64
MIN_LABEL_BAND = 56
CHANNEL_BASE = 14
CHANNEL_STEP = 8
LANE_MARGIN = 28
LANE_LABEL_GAP = 6
LANE_GAP = 14
MARGIN = 16
MAX_PASSES = 6
CORNER = 8

ACROSS_ROOM = 12
ACROSS_SPLIT = 8

LOOP_REACH = 44
LOOP_STEP = 14
LOOP_DY = 8
