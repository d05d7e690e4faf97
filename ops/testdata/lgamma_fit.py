"""Development-time only: the WGSL gammaln's polynomial s(t) = gammaln(1 + t) / (t (t - 1)) on
[0, 1] (ops/gamma.ts), a least-squares fit at Chebyshev nodes, in ascending powers of t.

  /usr/bin/python3 ops/testdata/lgamma_fit.py   (SciPy 1.10)
"""
import numpy as np, scipy.special as sp
from numpy.polynomial import chebyshev as C
n=200
t=0.5-0.5*np.cos(np.pi*(np.arange(n)+0.5)/n)
s=sp.gammaln(1+t)/(t*(t-1))
for deg in range(6,14):
    c=C.chebfit(2*t-1,s,deg)
    p=C.cheb2poly(c)  # in u=2t-1
    # convert to powers of t directly by fitting polyfit in t
    q=np.polyfit(t,s,deg)
    tt=np.linspace(1e-6,1-1e-6,20001)
    ss=sp.gammaln(1+tt)/(tt*(tt-1))
    err=np.max(np.abs(np.polyval(q,tt)/ss-1))
    print(deg,err)
    if err<3e-9:
        print([float(v) for v in q[::-1]]); break

# The WGSL psi's polynomial r(t) = psi(1 + t) / (t - t0) on [0, 1], t0 = x0 - 1 for psi's positive root x0.
x0 = 1.4616321449683622
t0 = x0 - 1
r = sp.psi(1 + t) / (t - t0)
for deg in range(6, 16):
    q = np.polyfit(t, r, deg)
    tt = np.linspace(1e-6, 1 - 1e-6, 20001)
    rr = sp.psi(1 + tt) / (tt - t0)
    err = np.max(np.abs(np.polyval(q, tt) / rr - 1))
    print(deg, err)
    if err < 3e-9:
        print([float(v) for v in q[::-1]])
        break
