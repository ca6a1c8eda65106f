# Oracle for src/math/pyformat.ts: prints Python's f"{x:.4f}" (and .2f/.0f) for the values
# listed in test/math/pyformat.test.ts.  Run: python3 scripts/oracles/pyformat.py
import json
values = [0.03125, -0.03125, 0.00005, 0.25, 2.5, 3.5, -0.0, 0.0, -1e-9, 1e-9, 0.5744425168116848, -0.2276672482565045,
          123456.78125, 1e22, 5e-324, 0.99995, 0.00015, 1.0000499999999999, 0.125, 0.375]
print(json.dumps([[repr(v), f"{v:.4f}", f"{v:.2f}", f"{v:.0f}"] for v in values]))
