/**
 * Places a service map's nodes and routes its edges with dagre (@dagrejs/dagre, MIT): a layered
 * layout, callers above callees, edges routed around nodes. Runs where the map is built, so the
 * webview only draws the coordinates it is given.
 */
import dagre from '@dagrejs/dagre';
import { MAX_LABEL_CHARS, type PlacedEdge, type PlacedNode, type ServiceMap, type ServiceMapLayout } from './serviceMapTypes';

export type { PlacedEdge, PlacedNode, ServiceMapLayout };

const NODE_HEIGHT = 44;
/** Room for `12,345 · 12.5 % err · p95 123 ms` at 11 px. */
const EDGE_LABEL_WIDTH = 200;
const CHAR_WIDTH = 7.5;

export function layoutServiceMap(map: ServiceMap): ServiceMapLayout {
  const g = new dagre.graphlib.Graph({ multigraph: false });
  g.setGraph({ rankdir: 'TB', nodesep: 40, ranksep: 80, marginx: 20, marginy: 20 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of map.nodes) {
    g.setNode(n.name, { width: Math.max(90, Math.min(n.name.length, MAX_LABEL_CHARS) * CHAR_WIDTH + 24), height: NODE_HEIGHT });
  }
  // A service calling itself through another process is not drawn as a loop: dagre routes no self-edges.
  for (const e of map.edges) if (e.from !== e.to) g.setEdge(e.from, e.to, {});
  dagre.layout(g);
  const nodes = map.nodes.map((n) => {
    const p = g.node(n.name);
    return { ...n, x: p.x, y: p.y, width: p.width, height: p.height };
  });
  const edges = map.edges.map((e) => ({ ...e, points: e.from === e.to ? [] : (g.edge(e.from, e.to).points ?? []).map((p: { x: number; y: number }) => ({ x: p.x, y: p.y })) }));
  const graph = g.graph();
  // Edge labels are drawn to the right of each edge's middle point, outside dagre's bounds: make room.
  let width = graph.width ?? 0;
  for (const e of edges) {
    const mid = e.points[Math.floor(e.points.length / 2)];
    if (mid) width = Math.max(width, mid.x + EDGE_LABEL_WIDTH);
  }
  return { nodes, edges, width, height: graph.height ?? 0, traceCount: map.traceCount, spanCount: map.spanCount };
}
