/**
 * The states of a modem audio end (modem-audio-end.ts) and the edges between them. Pure.
 *
 *   opening ──► running ◄──► recovering
 *      │           │              │
 *      ├──► dead ◄─┴──────────────┘
 *      └──► closed ◄── (any state but closed)
 */
export type AudioEndState = 'opening' | 'running' | 'recovering' | 'dead' | 'closed';

const EDGES: Record<AudioEndState, readonly AudioEndState[]> = {
  opening: ['running', 'dead', 'closed'],
  running: ['recovering', 'dead', 'closed'],
  recovering: ['running', 'dead', 'closed'],
  dead: ['closed'],
  closed: [],
};

/** The next state; throws on an edge the diagram does not have. */
export function audioEndTransition(from: AudioEndState, to: AudioEndState): AudioEndState {
  if (!EDGES[from].includes(to)) throw new Error(`modem audio: no transition from ${from} to ${to}`);
  return to;
}
