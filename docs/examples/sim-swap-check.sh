# Was the SIM of this number changed in the last 72 hours?
curl -s "$PROOFLINE_URL/v1/phone/sim-swap-check" \
  -H "Authorization: Bearer $PROOFLINE_SECRET" -H 'Content-Type: application/json' \
  -d '{"phone": "+447400123456", "max_age_hours": 72}'
