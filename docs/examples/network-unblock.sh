# Lift the block of a network for one hour (at most 86,400 s).
curl -s "$PROOFLINE_URL/v1/networks/unblock" \
  -H "Authorization: Bearer $PROOFLINE_SECRET" -H 'Content-Type: application/json' \
  -d '{"network": "23415", "unblock_duration": 3600}'
