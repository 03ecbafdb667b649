# $2,500 at 4.5% a year, compounded monthly, for 6 years.
principal = 2500
rate = 0.045
years = 6
amount = principal * (1 + rate / 12) ** (12 * years)
print(f"After {years} years: ${amount:,.2f} (interest ${amount - principal:,.2f})")
