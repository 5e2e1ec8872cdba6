"""The line for the model: one reply at a time, in the order asked, each waiter seeing its place.

One llama.cpp context serves one reply at a time. Every reply takes a place in line; the first
place is the one being answered. A conversation holds at most one place (a person's words are
answered in order), which keeps the line fair: nobody can stand in it twice.
"""

from __future__ import annotations

import asyncio
from typing import AsyncIterator, Hashable

__all__ = ["Busy", "Line", "Place"]


class Busy(Exception):
    """This conversation already has a reply in line."""


class Place:
    def __init__(self, key: Hashable):
        self.key = key
        self.moved = asyncio.Event()


class Line:
    """A first-come, first-served line of replies waiting for the model. Used on the event loop only."""

    def __init__(self) -> None:
        self._places: list[Place] = []

    def __len__(self) -> int:
        return len(self._places)

    def join(self, key: Hashable) -> Place:
        if any(p.key == key for p in self._places):
            raise Busy(key)
        place = Place(key)
        self._places.append(place)
        return place

    async def wait(self, place: Place) -> AsyncIterator[int]:
        """Yield how many replies are ahead whenever that changes; returns when it is this one's turn."""
        last = None
        while (ahead := self._places.index(place)) > 0:
            if ahead != last:
                last = ahead
                yield ahead
            place.moved.clear()
            if self._places.index(place) == ahead:  # nobody left while the consumer had the last position
                await place.moved.wait()

    def leave(self, place: Place) -> None:
        """Give up a place (done, or the client went away); everyone behind moves up."""
        if place in self._places:
            self._places.remove(place)
            for other in self._places:
                other.moved.set()
