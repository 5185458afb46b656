# Lift the block of a network for one hour, with Vonage's route and body and the site's Vonage key.
curl -s -u "$VONAGE_API_KEY:$VONAGE_API_SECRET" "$PROOFLINE_URL/v2/verify/network-unblock" \
  -H 'Content-Type: application/json' \
  -d '{"network": "23410", "unblock_duration": "3600"}'
