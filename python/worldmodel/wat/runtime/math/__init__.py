"""`math`: libm ported line by line, correctly rounded trigonometry, double-double arithmetic, their tables."""
