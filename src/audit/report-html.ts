/**
 * The HTML report: ONE self-contained page (inline CSS, inline JS, inline SVG; a CSP that forbids
 * every network fetch) with the fleet summary, an expiry timeline (hosts × days left) and the
 * findings table with severity / host / code filters. Rows are rendered here, so the page reads
 * without JavaScript; the script only filters.
 */
import { redactValue } from '../output/redact.js';
import { FINDINGS } from './findings.js';
import { minDaysLeft } from './report-text.js';
import type { AuditReport } from './types.js';

/** Escape text for HTML element content and attribute values. */
export function esc(s: string | number | undefined): string {
  return String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const CSS = `
:root{--crit:#c62828;--warn:#ef6c00;--info:#1565c0;--ok:#2e7d32;--fg:#1d2330;--muted:#5f6b7a;--line:#dde3ea}
*{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:#f5f7fa}
header{background:#1d2330;color:#fff;padding:16px 24px}header h1{margin:0;font-size:20px}header p{margin:4px 0 0;color:#b8c2cf}
main{padding:16px 24px;max-width:1280px}section{background:#fff;border:1px solid var(--line);border-radius:8px;padding:16px;margin-bottom:16px}
h2{margin:0 0 12px;font-size:16px}.cards{display:flex;gap:12px;flex-wrap:wrap}.card{flex:1;min-width:120px;border:1px solid var(--line);border-radius:6px;padding:10px}
.card b{display:block;font-size:24px}.card.critical b{color:var(--crit)}.card.warning b{color:var(--warn)}.card.info b{color:var(--info)}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:6px 8px;border-bottom:1px solid var(--line);vertical-align:top}th{font-size:12px;color:var(--muted);text-transform:uppercase}
.sev{font-weight:600;border-radius:4px;padding:1px 6px;color:#fff;font-size:12px}.sev.critical{background:var(--crit)}.sev.warning{background:var(--warn)}.sev.info{background:var(--info)}
.filters{display:flex;gap:16px;align-items:center;flex-wrap:wrap;margin-bottom:10px}.filters input[type=text]{padding:4px 6px}code{font-size:12px}
.count{color:var(--muted)}svg text{font:11px system-ui,sans-serif;fill:var(--fg)}
`;

const JS = `
(function(){
  var rows=[].slice.call(document.querySelectorAll('#findings tbody tr'));
  var boxes=[].slice.call(document.querySelectorAll('.filters input[type=checkbox]'));
  var host=document.getElementById('f-host'),code=document.getElementById('f-code'),count=document.getElementById('f-count');
  function apply(){
    var sev={};boxes.forEach(function(b){sev[b.value]=b.checked;});
    var h=host.value.trim().toLowerCase(),c=code.value,n=0;
    rows.forEach(function(r){
      var show=sev[r.dataset.severity]&&(!h||r.dataset.host.toLowerCase().indexOf(h)>=0)&&(!c||r.dataset.code===c);
      r.hidden=!show;if(show)n++;
    });
    count.textContent=n+' of '+rows.length+' findings shown';
  }
  boxes.forEach(function(b){b.addEventListener('change',apply);});
  host.addEventListener('input',apply);code.addEventListener('change',apply);apply();
})();
`;

/** Inline SVG: one row per host, one dot per certificate at its days left. */
function timeline(report: AuditReport, warnDays: number): string {
  const hosts = report.hosts;
  const lo = -30;
  const hi = Math.max(120, ...hosts.flatMap((h) => h.certificates.map((c) => Math.min(c.days_left, 400))));
  const left = 150;
  const width = 900;
  const rowH = 22;
  const x = (d: number) => left + ((Math.max(lo, Math.min(hi, d)) - lo) / (hi - lo)) * (width - left - 20);
  const h = 40 + hosts.length * rowH;
  const parts = [
    `<svg id="timeline" xmlns="http://www.w3.org/2000/svg" width="100%" viewBox="0 0 ${width} ${h}" role="img" aria-label="expiry timeline">`,
  ];
  parts.push(`<rect x="${x(lo)}" y="10" width="${x(0) - x(lo)}" height="${h - 30}" fill="#fdecea"/>`);
  parts.push(`<rect x="${x(0)}" y="10" width="${x(warnDays) - x(0)}" height="${h - 30}" fill="#fff4e5"/>`);
  for (const d of [0, warnDays, 60, 90, hi].filter((v, i, a) => a.indexOf(v) === i && v <= hi)) {
    parts.push(
      `<line x1="${x(d)}" x2="${x(d)}" y1="10" y2="${h - 20}" stroke="#c9d1db" stroke-dasharray="3 3"/>`,
    );
    parts.push(`<text x="${x(d)}" y="${h - 6}" text-anchor="middle">${d}d</text>`);
  }
  hosts.forEach((host, i) => {
    const y = 24 + i * rowH;
    parts.push(`<text x="${left - 8}" y="${y + 4}" text-anchor="end">${esc(host.host)}</text>`);
    parts.push(`<line x1="${left}" x2="${width - 20}" y1="${y}" y2="${y}" stroke="#eef1f5"/>`);
    for (const c of host.certificates) {
      const color = c.days_left < 0 ? 'var(--crit)' : c.days_left < warnDays ? 'var(--warn)' : 'var(--ok)';
      parts.push(
        `<circle cx="${x(c.days_left).toFixed(1)}" cy="${y}" r="6" fill="${color}"><title>${esc(`${host.host} ${c.path}: ${c.days_left} days left (${c.subject})`)}</title></circle>`,
      );
    }
    if (!host.reachable) parts.push(`<text x="${left + 6}" y="${y + 4}" fill="#c62828">unreachable</text>`);
  });
  parts.push('</svg>');
  return parts.join('');
}

/** Render the self-contained HTML page. */
export function renderHtml(input: AuditReport, opts: { warnDays?: number } = {}): string {
  const report = redactValue(input);
  const s = report.summary;
  const warnDays = opts.warnDays ?? 30;
  const codes = [...new Set(report.findings.map((f) => f.code))].sort();
  const hostRows = report.hosts
    .map((h) => {
      const mine = report.findings.filter((f) => f.host === h.host);
      const n = (sev: string) => mine.filter((f) => f.severity === sev).length;
      return `<tr><td>${esc(h.host)}</td><td>${esc(h.address)}</td><td>${h.reachable ? esc(h.distro?.pretty ?? h.distro?.id ?? '?') : '<b>unreachable</b>'}</td><td>${esc(h.webservers.running.join(', ') || '-')}</td><td>${h.sites.length}</td><td>${h.certificates.length}</td><td>${esc(minDaysLeft(h) ?? '-')}</td><td>${n('critical')}</td><td>${n('warning')}</td><td>${n('info')}</td></tr>`;
    })
    .join('\n');
  const findingRows = report.findings
    .map(
      (f) =>
        `<tr data-severity="${esc(f.severity)}" data-host="${esc(f.host)}" data-code="${esc(f.code)}"><td><span class="sev ${esc(f.severity)}">${esc(f.severity)}</span></td><td>${esc(f.host)}</td><td><code title="${esc(FINDINGS[f.code]?.meaning)}">${esc(f.code)}</code></td><td>${esc(f.site ?? '')}</td><td>${esc(f.message)}</td></tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>certfleet audit — ${esc(report.generated_at)}</title>
<style>${CSS}</style></head>
<body><header><h1>certfleet audit</h1><p>${esc(report.generated_at)} · schema ${esc(report.schema)}</p></header>
<main>
<section id="summary"><h2>Fleet summary</h2><div class="cards">
<div class="card"><b>${s.hosts}</b>hosts</div><div class="card"><b>${s.unreachable}</b>unreachable</div><div class="card"><b>${s.certificates}</b>certificates</div>
<div class="card critical"><b>${s.critical}</b>critical</div><div class="card warning"><b>${s.warning}</b>warnings</div><div class="card info"><b>${s.info}</b>info</div></div></section>
<section><h2>Expiry timeline (days left per certificate)</h2>${timeline(report, warnDays)}</section>
<section><h2>Hosts</h2><table id="hosts"><thead><tr><th>Host</th><th>Address</th><th>Distro</th><th>Running</th><th>Sites</th><th>Certs</th><th>Min days</th><th>Crit</th><th>Warn</th><th>Info</th></tr></thead><tbody>
${hostRows}
</tbody></table></section>
<section><h2>Findings</h2>
<div class="filters">
<label><input type="checkbox" value="critical" checked> critical</label>
<label><input type="checkbox" value="warning" checked> warning</label>
<label><input type="checkbox" value="info" checked> info</label>
<label>host <input type="text" id="f-host" placeholder="filter hosts"></label>
<label>code <select id="f-code"><option value="">all codes</option>${codes.map((c) => `<option value="${esc(c)}">${esc(c)}</option>`).join('')}</select></label>
<span class="count" id="f-count"></span></div>
<table id="findings"><thead><tr><th>Severity</th><th>Host</th><th>Code</th><th>Site</th><th>Message</th></tr></thead><tbody>
${findingRows}
</tbody></table></section>
</main>
<script>${JS}</script>
</body></html>
`;
}
