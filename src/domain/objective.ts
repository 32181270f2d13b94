// What "best" means when settings are ranked (`sigil sweep --objective`): a figure of a span's trades.
// In domain/ so the command's declaration can list the choices without loading the research code.

export const OBJECTIVES = ['expectancy', 'sharpe', 'sortino', 'profit_factor', 'total_pnl'] as const;
export type Objective = (typeof OBJECTIVES)[number];
