"""Flow pipeline benchmark against pmacct (sfacctd, nfacctd)."""
