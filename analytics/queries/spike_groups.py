"""One alert per event: entities of one show spiking in one bucket are one group.

A trailer makes the show and several of its people spike together; that is one piece of
news. The rules, in order:

- **Group**: a show spikes under its own id; a person, character or ship under the show
  it is listed under in the watchlist; anything else (a theme, an entity no longer in the
  watchlist) on its own. A group is (show, bucket size, bucket start).
- **Several shows**: a person listed under several shows goes with the first of them, in
  watchlist order, that spiked itself in that bucket; else the first that has another
  spiking member there; else the first listed. So every spike is named in one alert only.
- **Continuation**: an entity's run of consecutive spike buckets is one episode, alerted
  at its first bucket; an entity already named in a spike alert from ``quiet`` before the
  bucket up to its end is the same buzz going on, and is left out.
- **Late joiner**: a group whose show already has a spike alert for an overlapping or
  directly preceding bucket (hourly or daily) is that alert's event: its new members are
  added to that alert's ``entity_ids`` and nothing is sent again. So a person spiking an
  hour after the show, or the daily bucket catching up with an hourly alert, never makes a
  second alert.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Protocol

from analytics.core.watchlist import Watchlist
from analytics.queries.timeseries import BUCKET_DELTAS, Bucket

# A spike within this long of an alert naming the same entity is the same buzz.
QUIET_PERIOD = timedelta(days=3)


class SpikeLike(Protocol):
    entity_id: str
    name: str
    bucket: datetime
    posts: int
    baseline: float
    z: float
    top_terms: Sequence[object]
    top_posts: Sequence[object]


@dataclass(frozen=True, slots=True)
class SpikeGroup:
    """Spikes of one show (or one show-less entity) in one bucket, strongest first."""

    key: str  # show:<id>, or the entity id of an entity of no show
    bucket: Bucket
    start: datetime
    spikes: tuple[SpikeLike, ...]

    @property
    def end(self) -> datetime:
        return self.start + BUCKET_DELTAS[self.bucket]

    @property
    def entity_ids(self) -> tuple[str, ...]:
        return tuple(s.entity_id for s in self.spikes)

    @property
    def alert_id(self) -> str:
        """``spike:<key>:<bucket start>``, ``:hour`` added for an hourly bucket."""
        suffix = "" if self.bucket == "day" else f":{self.bucket}"
        return f"spike:{self.key}:{self.start.isoformat()}{suffix}"


@dataclass(slots=True)
class KnownSpikeAlert:
    """A recorded spike alert, as the planner needs it."""

    alert_id: str
    key: str
    start: datetime
    step: timedelta
    members: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class SpikePlan:
    new: list[SpikeGroup]  # to record and send
    joined: dict[str, list[str]]  # alert id -> its full member list, late joiners added


def show_memberships(watchlist: Watchlist) -> dict[str, tuple[str, ...]]:
    """Each entity id -> the show entity ids it belongs to, in watchlist order."""
    found: dict[str, list[str]] = {}
    for show in watchlist.shows:
        show_id = f"show:{show.id}"
        found.setdefault(show_id, []).append(show_id)
        for kind, item in show.members():
            shows = found.setdefault(f"{kind}:{item.id}", [])
            if show_id not in shows:
                shows.append(show_id)
    return {entity_id: tuple(shows) for entity_id, shows in found.items()}


def group_spikes(
    spikes: Sequence[SpikeLike], bucket: Bucket, memberships: Mapping[str, Sequence[str]]
) -> list[SpikeGroup]:
    """The spikes of one bucket size grouped by show and bucket (see the module's rules)."""
    by_bucket: dict[datetime, list[SpikeLike]] = {}
    for spike in spikes:
        by_bucket.setdefault(spike.bucket, []).append(spike)
    groups: list[SpikeGroup] = []
    for start, together in sorted(by_bucket.items()):
        members: dict[str, list[SpikeLike]] = {}
        for spike in together:
            key = _group_of(spike.entity_id, together, memberships)
            members.setdefault(key, []).append(spike)
        for key, found in members.items():
            # The show first when it spiked, then the strongest.
            found.sort(key=lambda s: (s.entity_id != key, -s.z, s.entity_id))
            groups.append(SpikeGroup(key, bucket, start, tuple(found)))
    return groups


def _group_of(
    entity_id: str, together: Sequence[SpikeLike], memberships: Mapping[str, Sequence[str]]
) -> str:
    shows = list(memberships.get(entity_id, ()))
    if not shows:
        return entity_id
    spiking = {s.entity_id for s in together}
    for show in shows:
        if show in spiking:
            return show
    others = {
        show
        for spike in together
        if spike.entity_id != entity_id
        for show in memberships.get(spike.entity_id, ())
    }
    return next((show for show in shows if show in others), shows[0])


def first_of_episodes(spikes: Sequence[SpikeLike], bucket: Bucket) -> list[SpikeLike]:
    """Only the first bucket of each run of consecutive spike buckets per entity: a buzz
    that lasts four days is one alert, not four."""
    step = BUCKET_DELTAS[bucket]
    seen = {(s.entity_id, s.bucket) for s in spikes}
    return [s for s in spikes if (s.entity_id, s.bucket - step) not in seen]


def plan_spike_alerts(
    found: Sequence[tuple[Bucket, Sequence[SpikeLike]]],
    memberships: Mapping[str, Sequence[str]],
    known: Sequence[KnownSpikeAlert],
    quiet: timedelta = QUIET_PERIOD,
) -> SpikePlan:
    """Which groups are new alerts and which alerts gain late joiners (module's rules).

    ``found`` holds the spikes of each bucket size; ``known`` the spike alerts recorded
    since at least ``quiet`` plus a day before the earliest spike.
    """
    alerts = [replace(k, members=list(k.members)) for k in known]
    candidates = [
        group
        for bucket, spikes in found
        for group in group_spikes(first_of_episodes(spikes, bucket), bucket, memberships)
    ]
    # Earliest first, so a later bucket finds the alert an earlier one just made.
    candidates.sort(key=lambda g: (g.start, BUCKET_DELTAS[g.bucket], g.key))
    new: list[SpikeGroup] = []
    joined: dict[str, list[str]] = {}
    for group in candidates:
        fresh = tuple(
            s for s in group.spikes if not _named_recently(alerts, s.entity_id, group, quiet)
        )
        if not fresh:
            continue
        group = replace(group, spikes=fresh)
        host = _same_event(alerts, group)
        if host is None:
            new.append(group)
            step = BUCKET_DELTAS[group.bucket]
            alerts.append(
                KnownSpikeAlert(
                    group.alert_id, group.key, group.start, step, list(group.entity_ids)
                )
            )
        else:
            host.members.extend(e for e in group.entity_ids if e not in host.members)
            joined[host.alert_id] = list(host.members)
    return SpikePlan(new, joined)


def _named_recently(
    alerts: Sequence[KnownSpikeAlert], entity_id: str, group: SpikeGroup, quiet: timedelta
) -> bool:
    return any(
        entity_id in a.members and group.start - quiet <= a.start < group.end for a in alerts
    )


def _same_event(alerts: Sequence[KnownSpikeAlert], group: SpikeGroup) -> KnownSpikeAlert | None:
    """The show's alert whose bucket overlaps this one or ends at most one bucket before."""
    step = BUCKET_DELTAS[group.bucket]
    for alert in alerts:
        overlaps = alert.start < group.end and alert.start + alert.step + step > group.start
        if alert.key == group.key and overlaps:
            return alert
    return None
