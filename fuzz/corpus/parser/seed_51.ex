import Nx, only: [tensor: 2]
alias Nx.LinAlg
use Nx.Defn.Kernel