/* examples/softmax.c: the seed's first example, from C. Creates [[1, 2], [3, 4]] and
 * prints Nx.divide(Nx.exp(t), Nx.sum(Nx.exp(t))) exactly as Nx prints it. The same at the
 * nxc prompt:
 *
 *     t = Nx.tensor([[1, 2], [3, 4]])
 *     Nx.divide(Nx.exp(t), Nx.sum(Nx.exp(t)))
 */
#include <nx.h>
#include <stdio.h>

int main(void)
{
    int32_t data[] = { 1, 2, 3, 4 };
    nx_scope_begin();
    nx_tensor *t = nx_from_data(data, NX_S32, NX_SHAPE(2, 2));
    nx_tensor *softmax = nx_divide(nx_exp(t), nx_sum(nx_exp(t)));
    int status = nx_print(softmax);
    if (status < 0)
        fprintf(stderr, "** (%s) %s\n", nx_error_kind_name(nx_error()), nx_error_message());
    nx_scope_end();
    return status < 0;
}
