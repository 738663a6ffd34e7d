// Builds (or checks, when warm) the real test bed and prints what it holds and what it cost:
//   bash .ci/real-bed            # the quick matrix (CI)
//   FLOW_REAL_FULL=1 bash .ci/real-bed
import { ensureRealBed } from '../__tests__/support/real';

const bed = await ensureRealBed({ log: (line) => console.log(`[real-bed] ${line}`) });
for (const s of bed.servers) {
  const parts = Object.entries(s.buildMs).map(
    ([t, ms]) => `${t} ${(ms / 1000).toFixed(0)} s${s.cached.includes(t as never) ? ' (cached)' : ''}`,
  );
  console.log(
    `[real-bed] gotify ${s.tag} (Go ${s.goVersion}, upstream ${s.upstreamGoVersion}): ${parts.join(', ')}`,
  );
}
console.log(`[real-bed] plugins: ${bed.plugins.map((p) => `${p.id} (${p.module}@${p.version})`).join(', ')}`);
console.log(`[real-bed] ${bed.matrix} matrix ready in ${(bed.ensureMs / 1000).toFixed(1)} s at ${bed.root}`);
