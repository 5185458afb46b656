# Watch a number: each SIM swap the operator reports reaches your webhook as `sim_swap.detected`.
curl -s "$PROOFLINE_URL/v1/phone/monitor" \
  -H "Authorization: Bearer $PROOFLINE_SECRET" -H 'Content-Type: application/json' \
  -d '{"phone": "+447400123456", "events": ["sim_swap"]}'
