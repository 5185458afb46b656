# Has the number been given to someone else since the customer registered it?
curl -s "$PROOFLINE_URL/v1/phone/number-recycling" \
  -H "Authorization: Bearer $PROOFLINE_SECRET" -H 'Content-Type: application/json' \
  -d '{"phone": "+447400123456", "specified_date": "2024-01-15"}'
