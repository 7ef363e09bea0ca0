from benchmarks.routeserver.run import main

raise SystemExit(main())
