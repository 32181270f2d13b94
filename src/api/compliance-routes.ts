// The prop-firm numbers of each variant trading under compliance rules, as `sigil compliance` shows them.
import { complianceStatus } from '../app/compliance-status.ts';
import { variantId } from '../domain/ids.ts';
import type { Route } from './route.ts';
import { emptyQuery, parseQuery } from './validation.ts';

export const COMPLIANCE_ROUTES: readonly Route[] = [
  {
    method: 'GET',
    pattern: /^\/api\/compliance$/,
    mutating: false,
    async handle(ctx, req) {
      parseQuery(emptyQuery, req.query);
      const now = ctx.clock.now();
      const variants = [];
      for (const id of ctx.variants) {
        const profile = ctx.profile(id);
        if (!profile.compliance) continue;
        variants.push(
          await complianceStatus(
            ctx.store,
            { id: variantId(id) },
            profile.compliance,
            profile.accountKey,
            now,
          ),
        );
      }
      return { status: 200, json: { variants } };
    },
  },
];
