// Node 18+ (fetch built in). Redeem the token the widget put in the form, once, from your backend.
const response = await fetch(`${process.env.PROOFLINE_URL}/v1/siteverify`, {
  method: 'POST',
  headers: { 'content-type': 'application/json', authorization: `Bearer ${process.env.PROOFLINE_SECRET}` },
  body: JSON.stringify({ response: process.env.TOKEN }),
});
const result = await response.json();
if (!result.success) throw new Error(`not verified: ${result['error-codes'].join(', ')}`);
console.log(`verified ${result.phone} by ${result.method}, risk ${result.risk_level}`);
