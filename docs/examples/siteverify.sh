# curl: the secret may also go in the body, as Cloudflare Turnstile takes it.
curl -s "$PROOFLINE_URL/v1/siteverify" \
  -H "Authorization: Bearer $PROOFLINE_SECRET" \
  -d response="$TOKEN"
