<?php
// PHP 8, no extension needed. Redeem the token the widget put in the form, once, from your backend.
$context = stream_context_create(['http' => [
    'method' => 'POST',
    'header' => "Content-Type: application/x-www-form-urlencoded\r\n",
    'content' => http_build_query(['secret' => getenv('PROOFLINE_SECRET'), 'response' => getenv('TOKEN')]),
    'timeout' => 10,
]]);
$result = json_decode(file_get_contents(getenv('PROOFLINE_URL') . '/v1/siteverify', false, $context), true);
if (!$result['success']) {
    fwrite(STDERR, 'not verified: ' . implode(', ', $result['error-codes']) . "\n");
    exit(1);
}
echo "verified {$result['phone']} by {$result['method']}, risk {$result['risk_level']}\n";
