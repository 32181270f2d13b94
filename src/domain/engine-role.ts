// The roles a Sigil process can play. One process plays all of them by default; with PostgreSQL,
// processes on several hosts can split them (a scanner+execution process, analyst processes).
export const ENGINE_ROLES = ['scanner', 'analyst', 'execution'] as const;
export type EngineRole = (typeof ENGINE_ROLES)[number];
