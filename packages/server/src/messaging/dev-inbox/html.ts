import type { InboxMessage } from './dev-inbox.js';

const htmlEscapes: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => htmlEscapes[character]!);
}

/**
 * The dev inbox as a page. Every value is escaped: message bodies carry the site's brand and
 * recipients are typed by users, so both are untrusted text.
 */
export function renderInboxHtml(
  messages: readonly InboxMessage[],
  filter: { to?: string | null } = {},
): string {
  const rows = messages
    .map(
      (message) => `<li class="message">
  <header><strong>${escapeHtml(message.channel)}</strong> to <span class="to">${escapeHtml(message.to)}</span>
  <time datetime="${escapeHtml(message.sent_at)}">${escapeHtml(message.sent_at)}</time>
  <small>${escapeHtml(message.site_key)}</small></header>
  ${message.subject === undefined ? '' : `<p class="subject">${escapeHtml(message.subject)}</p>`}
  <pre>${escapeHtml(message.body)}</pre>
</li>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="5">
<title>Proofline dev inbox</title>
<style>
  body { font: 15px/1.4 system-ui, sans-serif; margin: 2rem auto; max-width: 48rem; padding: 0 1rem; }
  ol { list-style: none; padding: 0; }
  .message { border: 1px solid #ccc; border-radius: 6px; margin: 0 0 1rem; padding: .75rem 1rem; }
  header { display: flex; gap: .75rem; flex-wrap: wrap; align-items: baseline; }
  pre { white-space: pre-wrap; font-size: 1rem; margin: .5rem 0 0; }
  time, small { color: #555; }
</style>
</head>
<body>
<h1>Dev inbox</h1>
<p>Messages that Proofline would have sent, newest first. Not shown in production.</p>
<form method="get" action="inbox.html">
  <label>Recipient <input name="to" type="text" value="${escapeHtml(filter.to ?? '')}" placeholder="+447400123456"></label>
  <button type="submit">Filter</button>
</form>
${messages.length === 0 ? '<p class="empty">No messages yet.</p>' : `<ol>\n${rows}\n</ol>`}
</body>
</html>
`;
}
