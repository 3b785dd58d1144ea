"""Entry script for ``spark-submit``: the ``wiretrace`` command, run by Spark's driver.

``spark-submit [options] $(python -c 'import wiretrace.engines.submit as m; print(m.__file__)') scan INPUT...
--engine spark --out DIR``. Spark options (master, memory, partitions) come from ``spark-submit``; the
engine uses the session it configured. Absolute imports only: Spark runs this file as a script.
"""

from wiretrace.cli import main

if __name__ == "__main__":
    main()
