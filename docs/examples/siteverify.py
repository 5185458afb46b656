# Python 3 with requests. Redeem the token the widget put in the form, once, from your backend.
import os
import requests

answer = requests.post(
    f"{os.environ['PROOFLINE_URL']}/v1/siteverify",
    data={"secret": os.environ["PROOFLINE_SECRET"], "response": os.environ["TOKEN"]},
    timeout=10,
)
result = answer.json()
if not result["success"]:
    raise SystemExit("not verified: " + ", ".join(result["error-codes"]))
print(f"verified {result['phone']} by {result['method']}, risk {result['risk_level']}")
