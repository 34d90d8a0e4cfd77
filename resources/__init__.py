"""The till's files that are not code: the stylesheet (``styles/till.qss``) and icons
(``icons/*.svg``). Read them with ``importlib.resources.files("resources")``; they ship in the
wheel as package data."""
