"""Balanced reviewer allocation as a min-cost flow (pure Python, no database).

The network: source -> application (capacity = open slots) -> eligible reviewer (capacity 1)
-> sink. A reviewer's k-th new assignment costs ``load + k`` (load = what they already carry,
capped at ``cap``), a convex cost, so a minimum-cost maximum flow

1. fills as many slots as the exclusions and caps allow (it is a maximum flow), and
2. among those, minimizes the sum of squared loads. The loads of a min-cost flow on this
   network form the "most balanced" vector of the flow polytope (a polymatroid base; see
   Fujishige's lexicographically optimal base), so whenever some maximum allocation keeps
   every load within one of every other, this one does too.

Successive shortest paths with a queue-based Bellman-Ford (costs are integers and the
residual graph has negative edges). Adjacency lists are built in id order, so equal-cost
choices resolve the same way on every run (deterministic tie-breaks).
"""

from collections import deque
from collections.abc import Mapping, Sequence

_INF = float("inf")


class _Network:
    def __init__(self, size: int):
        self.adj: list[list[int]] = [[] for _ in range(size)]
        self.to: list[int] = []
        self.cap: list[int] = []
        self.cost: list[int] = []

    def add(self, u: int, v: int, cap: int, cost: int) -> int:
        edge = len(self.to)
        for a, b, c, w in ((u, v, cap, cost), (v, u, 0, -cost)):  # edge e and its reverse e ^ 1
            self.adj[a].append(len(self.to))
            self.to.append(b)
            self.cap.append(c)
            self.cost.append(w)
        return edge

    def shortest_path(self, source: int, sink: int) -> list[int] | None:
        dist = [_INF] * len(self.adj)
        via = [-1] * len(self.adj)
        queued = [False] * len(self.adj)
        dist[source] = 0
        queue = deque([source])
        while queue:
            u = queue.popleft()
            queued[u] = False
            for e in self.adj[u]:
                if self.cap[e] > 0 and dist[u] + self.cost[e] < dist[self.to[e]]:
                    v = self.to[e]
                    dist[v] = dist[u] + self.cost[e]
                    via[v] = e
                    if not queued[v]:
                        queued[v] = True
                        queue.append(v)
        if dist[sink] == _INF:
            return None
        path, node = [], sink
        while node != source:
            path.append(via[node])
            node = self.to[via[node] ^ 1]
        return path


def plan_assignments(
    *,
    needs: Mapping[int, int],
    eligible: Mapping[int, Sequence[int]],
    loads: Mapping[int, int],
    cap: int,
) -> list[tuple[int, int]]:
    """Choose (application_id, reviewer_id) pairs.

    needs: application -> number of reviewers still wanted.
    eligible: application -> reviewers allowed on it (exclusions already applied).
    loads: reviewer -> assignments already carried (every reviewer of the pool, even idle).
    cap: the most assignments any reviewer may carry in total.
    """
    apps = sorted(a for a, n in needs.items() if n > 0)
    reviewers = sorted(loads)
    app_node = {a: 1 + i for i, a in enumerate(apps)}
    rev_node = {r: 1 + len(apps) + i for i, r in enumerate(reviewers)}
    source, sink = 0, 1 + len(apps) + len(reviewers)
    net = _Network(sink + 1)

    reachable: dict[int, int] = dict.fromkeys(reviewers, 0)
    pair_edges: list[tuple[int, int, int]] = []
    for a in apps:
        net.add(source, app_node[a], needs[a], 0)
        for r in sorted(set(eligible.get(a, ()))):
            if r in rev_node:
                pair_edges.append((a, r, net.add(app_node[a], rev_node[r], 1, 0)))
                reachable[r] += 1
    for r in reviewers:
        room = min(max(cap - loads[r], 0), reachable[r])
        for k in range(1, room + 1):
            net.add(rev_node[r], sink, 1, loads[r] + k)

    while (path := net.shortest_path(source, sink)) is not None:
        for e in path:  # every path crosses a unit edge, so one unit goes through
            net.cap[e] -= 1
            net.cap[e ^ 1] += 1
    return [(a, r) for a, r, e in pair_edges if net.cap[e] == 0]
