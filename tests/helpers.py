"""Small articles written for the tests (ours, not from any corpus)."""

WIRE = """LISBON (AP) — Portugal's parliament approved a sweeping water conservation law on Tuesday after three years of drought left reservoirs in the south at their lowest level since records began.

The law caps irrigation for golf courses, requires new buildings to collect rainwater and funds a network of desalination plants along the Algarve coast, the environment ministry said in a statement.

"We cannot keep spending water we do not have," Environment Minister Helena Duarte told lawmakers before the vote, which passed with 142 votes in favour and 61 against.

Farmers' associations warned that the irrigation limits would hit fruit growers hardest and asked for compensation of at least 300 million euros over five years.

The opposition Social Democrats abstained on the final text, saying the desalination plan was too expensive and relied on energy prices that could rise sharply.

Scientists at the University of Évora have estimated that rainfall in the south has fallen by a fifth since the 1980s, while demand from tourism has doubled.

The law takes effect in January, with the first limits on golf course irrigation due to start next summer."""

OWN_WORDS = """Lawmakers in Lisbon have voted to ration water in the parched south of the country, a move that golf resorts and orchards say will cost them dearly.

After a third dry year, dams across Alentejo and the Algarve hold less water than at any time on record, and the government has decided to act through legislation rather than emergency decrees.

Under the measure, resort owners will face ceilings on how much they may pump onto fairways, while developers must fit cisterns to gather rain. A chain of seawater treatment plants is planned for the southern shore.

Helena Duarte, who runs the environment portfolio, framed the measure as overdue. Growers' lobbies want hundreds of millions in aid to offset the limits, and the centre-right opposition declined to back the bill.

Researchers in Évora say the region now receives about twenty percent less rain than four decades ago, even as visitor numbers keep climbing."""

QUOTING_PIECE = """Every summer the argument over water in southern Europe returns, and every summer it ends with a promise to do better next year. This year Portugal did something different.

As the Associated Press reported on Tuesday:

The law caps irrigation for golf courses, requires new buildings to collect rainwater and funds a network of desalination plants along the Algarve coast, the environment ministry said in a statement.

Farmers' associations warned that the irrigation limits would hit fruit growers hardest and asked for compensation of at least 300 million euros over five years.

Whether the plan survives its first dry summer is another matter. Desalination is costly, and the politics of telling tourists that the sprinklers must stop has defeated governments before. Spain tried similar rules in Murcia and retreated within two seasons, and Italy's regions still argue over who pays for leaking pipes.

Still, the vote shows that a government can move before the taps run dry rather than after. Others around the Mediterranean should watch closely, and borrow the parts that work."""

UNRELATED = """The city orchestra opened its winter season on Friday with a programme of Sibelius and a new cello concerto written for its principal cellist, who played it from memory.

The concert hall, renovated over the summer, now seats two hundred more people and has a new organ installed by a workshop from Haarlem.

Tickets for the remaining concerts are available at the box office and online."""


HOLD_WRITE_LOCK = """
import sys, time
from wiretrace.store import Store
s = Store(sys.argv[1])
print("holding", flush=True)
time.sleep(60)
"""
"""A script holding a store's write lock until killed (``python -c HOLD_WRITE_LOCK STORE``)."""
